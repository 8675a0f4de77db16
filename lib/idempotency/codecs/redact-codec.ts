import type { ResultCodec } from '../core/codec-port';
import { refuseOption } from '../core/validate';
import { isEscapedObject, isTypedEnvelope } from './typed-envelope';

/** Options of `redactResults`. */
export interface RedactOptions {
  /**
   * The members to redact, as dotted paths from the result: `'card.number'`, `'items.*.pan'` (`*`: every member or
   * element). Where a path meets a string that holds JSON (an HTTP response's `body`), it continues inside it:
   * `'body.card.number'` redacts a member of the JSON body `idempotentHttp` stores.
   */
  readonly paths: readonly string[];
  /**
   * What a redacted member becomes: a value, or a function of the value and its path (keep a card's last four).
   * @default '[REDACTED]'
   */
  readonly replaceWith?: unknown;
  /**
   * Remove redacted members instead of replacing them (array elements are replaced, so indexes keep their meaning).
   * @default false
   */
  readonly remove?: boolean;
}

/** The replacement `redactResults` writes unless told otherwise. */
export const REDACTED = '[REDACTED]';

/**
 * A result codec that stores a result with the named members replaced or removed, and replays it so: the first
 * caller gets the full result, every replay the redacted one. Cheaper than encryption (no key service, no
 * per-record key) when replays do not need the data, a card number or a token, that it removes.
 */
export function redactResults(options: RedactOptions): ResultCodec {
  const paths = options?.paths;
  if (
    !Array.isArray(paths) ||
    paths.length === 0 ||
    paths.some((path) => typeof path !== 'string' || path.length === 0 || path.split('.').includes(''))
  ) {
    refuseOption('paths', "be a non-empty array of dotted paths ('card.number')", paths);
  }
  const replaceWith = 'replaceWith' in options ? options.replaceWith : REDACTED;
  const replacement = (value: unknown, path: string) => (typeof replaceWith === 'function' ? replaceWith(value, path) : replaceWith);
  const segments = paths.map((path) => path.split('.'));
  const redactAll = (value: unknown) =>
    segments.reduce((result, path) => redact(result, path, [], replacement, options.remove === true), value);
  return {
    // Behind typedCodec the result is its envelope: the paths start inside it.
    encode: (value) => (isTypedEnvelope(value) ? { ...value, value: redactAll(value.value) } : redactAll(value)),
    decode: (stored) => stored,
    // A step's value must come back whole (the handler goes on with it): steps are never redacted.
    forSteps: () => undefined,
  };
}

/** A copy of `value` with the member at `path` redacted; `value` itself is never changed (the caller still holds it). */
function redact(
  value: unknown,
  path: readonly string[],
  at: string[],
  replacement: (value: unknown, path: string) => unknown,
  remove: boolean,
): unknown {
  if (path.length === 0) return value;
  if (typeof value === 'string') {
    const parsed = parseJson(value);
    return parsed === undefined ? value : JSON.stringify(redact(parsed.json, path, at, replacement, remove));
  }
  if (typeof value !== 'object' || value === null) return value;
  if (isEscapedObject(value)) return { ...value, v: redact(value.v, path, at, replacement, remove) };
  const [head, ...rest] = path as [string, ...string[]];
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  const names = head === '*' ? Object.keys(copy) : Object.hasOwn(copy, head) ? [head] : [];
  for (const name of names) {
    const member = (copy as Record<string, unknown>)[name];
    const here = [...at, name];
    if (rest.length > 0) (copy as Record<string, unknown>)[name] = redact(member, rest, here, replacement, remove);
    else if (remove && !Array.isArray(copy)) delete (copy as Record<string, unknown>)[name];
    else (copy as Record<string, unknown>)[name] = replacement(member, here.join('.'));
  }
  return copy;
}

function parseJson(text: string): { json: unknown } | undefined {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return { json: JSON.parse(text) };
  } catch {
    return undefined;
  }
}
