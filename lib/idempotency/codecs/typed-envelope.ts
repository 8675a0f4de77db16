/**
 * `typedCodec`'s stored shapes, which `redactResults` reaches into when it runs behind it: known here once, without
 * the typed codec itself, so that a handler that only redacts bundles none of it.
 */

/** The member that tags a value in the typed tree: `{ "$t": <tag>, "v": <payload> }`. */
export const TYPED_TAG = '$t';

/** The typed codec's stored form, `{ "$typed": <version>, "value": <tree> }`. */
export function isTypedEnvelope(value: unknown): value is { readonly $typed: unknown; readonly value: unknown } {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, '$typed') && Object.hasOwn(value, 'value')
  );
}

/** The typed tree's form of a plain object that has its own `$t` member: its members are under `v`. */
export function isEscapedObject(value: unknown): value is { readonly $t: 'Object'; readonly v: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (value as Record<string, unknown>)[TYPED_TAG] === 'Object' &&
    Object.hasOwn(value, 'v')
  );
}
