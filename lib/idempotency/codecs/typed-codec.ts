import type { ResultCodec } from '../core/codec-port';
import { refuseOption } from '../core/validate';
import { isTypedEnvelope, TYPED_TAG } from './typed-envelope';

/**
 * The typed format, version 1. A stored result is `{ "$typed": 1, "value": <tree> }`, where <tree> is JSON except
 * for tagged objects `{ "$t": <tag>, "v": <payload> }`:
 *
 * | value | tag | payload |
 * |---|---|---|
 * | `undefined` (root, member, element) | `undefined` | none |
 * | `Date` | `Date` | ISO 8601 text, `null` for an invalid date |
 * | `Map` | `Map` | `[[key, value], …]`, both trees |
 * | `Set` | `Set` | `[value, …]` |
 * | `BigInt` | `BigInt` | decimal text |
 * | `Uint8Array` (and `Buffer`) | `Uint8Array` | base64 |
 * | `NaN`, `Infinity`, `-Infinity`, `-0` | `Number` | `"NaN"`, `"Infinity"`, `"-Infinity"`, `"-0"` |
 * | a plain object that has its own `$t` member | `Object` | the object, members as trees |
 * | a value of a registered type | `x:<name>` | what its `encode` returns, as a tree |
 *
 * Anything else is JSON's: other objects keep their own enumerable members (a class instance comes back a plain
 * object unless its type is registered); functions and symbols are refused, as are cycles.
 */
export const TYPED_FORMAT_VERSION = 1;

/** A class (or any kind of value) the typed codec keeps: `is` recognises it, `encode`/`decode` cross JSON. */
export interface TypedValue<T = unknown> {
  /** The name stored with the value (`x:<name>`); keep it stable: stored records name it. */
  readonly name: string;
  is(value: unknown): value is T;
  encode(value: T): unknown;
  decode(payload: unknown): T;
}

/** Options of `typedCodec`. */
export interface TypedCodecOptions {
  /**
   * Your own types, tried before the built-in ones (so a class that extends `Map` can be yours).
   * @default none
   */
  readonly types?: readonly TypedValue[];
}

/**
 * A result codec that round-trips what JSON loses: `Date`, `Map`, `Set`, `BigInt`, `undefined` members and elements,
 * `Uint8Array`, non-finite numbers and `-0`, and the types you register. The stored format is versioned
 * (`TYPED_FORMAT_VERSION`), so a record keeps decoding after an upgrade; a record written without this codec is
 * replayed as it was stored.
 */
export function typedCodec(options: TypedCodecOptions = {}): ResultCodec {
  const types = options.types ?? [];
  if (
    !Array.isArray(types) ||
    types.some(
      (type) =>
        typeof type?.name !== 'string' ||
        typeof type.is !== 'function' ||
        typeof type.encode !== 'function' ||
        typeof type.decode !== 'function',
    )
  ) {
    refuseOption('types', 'be an array of { name, is, encode, decode }', types);
  }
  const byName = new Map(types.map((type) => [type.name, type]));
  return {
    encode: (value) => ({ $typed: TYPED_FORMAT_VERSION, value: toTree(value, types, new Set(), '$') }),
    decode: (stored) => {
      if (!isTypedEnvelope(stored)) return stored; // written before this codec was configured
      if (stored.$typed !== TYPED_FORMAT_VERSION) {
        throw new TypeError(
          `The stored result is in typed format version ${String(stored.$typed)}; this version reads ${TYPED_FORMAT_VERSION}.`,
        );
      }
      return fromTree(stored.value, byName);
    },
  };
}

const tagged = (tag: string, payload?: unknown) => (payload === undefined ? { [TYPED_TAG]: tag } : { [TYPED_TAG]: tag, v: payload });

function toTree(value: unknown, types: readonly TypedValue[], path: Set<object>, at: string): unknown {
  switch (typeof value) {
    case 'undefined':
      return tagged('undefined');
    case 'bigint':
      return tagged('BigInt', value.toString());
    case 'number':
      if (Number.isNaN(value)) return tagged('Number', 'NaN');
      if (!Number.isFinite(value)) return tagged('Number', value > 0 ? 'Infinity' : '-Infinity');
      return Object.is(value, -0) ? tagged('Number', '-0') : value;
    case 'string':
    case 'boolean':
      return value;
    case 'function':
    case 'symbol':
      throw new TypeError(`The result holds a ${typeof value} at ${at}, which cannot be stored.`);
  }
  if (value === null) return null;
  const object = value as object;
  for (const type of types) if (type.is(object)) return tagged(`x:${type.name}`, toTree(type.encode(object), types, path, at));
  if (object instanceof Date) return tagged('Date', Number.isNaN(object.getTime()) ? null : object.toISOString());
  if (object instanceof Uint8Array)
    return tagged('Uint8Array', Buffer.from(object.buffer, object.byteOffset, object.byteLength).toString('base64'));
  if (path.has(object)) throw new TypeError(`The result holds a cycle at ${at}, which cannot be stored.`);
  path.add(object);
  try {
    if (object instanceof Map)
      return tagged(
        'Map',
        [...object].map(([k, v], i) => [toTree(k, types, path, `${at}<key ${i}>`), toTree(v, types, path, `${at}<value ${i}>`)]),
      );
    if (object instanceof Set)
      return tagged(
        'Set',
        [...object].map((v, i) => toTree(v, types, path, `${at}<${i}>`)),
      );
    // Array.from visits holes, which JSON would make `null`: they come back `undefined`.
    if (Array.isArray(object)) return Array.from(object, (v, i) => toTree(v, types, path, `${at}[${i}]`));
    // An object with its own toJSON (a Decimal, a Temporal value) is stored as JSON would store it.
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return toTree(toJSON.call(object, at), types, path, at);
    const members: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(object)) setMember(members, key, toTree(member, types, path, `${at}.${key}`));
    return Object.hasOwn(object, TYPED_TAG) ? tagged('Object', members) : members;
  } finally {
    path.delete(object);
  }
}

function fromTree(tree: unknown, types: ReadonlyMap<string, TypedValue>): unknown {
  if (Array.isArray(tree)) return tree.map((item) => fromTree(item, types));
  if (typeof tree !== 'object' || tree === null) return tree;
  const node = tree as Record<string, unknown>;
  if (!Object.hasOwn(node, TYPED_TAG)) return members(node, types);
  const tag = node[TYPED_TAG];
  const payload = node.v;
  switch (tag) {
    case 'undefined':
      return undefined;
    case 'Date':
      return new Date(payload === null ? Number.NaN : (payload as string));
    case 'BigInt':
      return BigInt(payload as string);
    case 'Number':
      return payload === '-0' ? -0 : Number(payload);
    case 'Uint8Array':
      return new Uint8Array(Buffer.from(payload as string, 'base64'));
    case 'Map':
      return new Map((payload as [unknown, unknown][]).map(([k, v]) => [fromTree(k, types), fromTree(v, types)]));
    case 'Set':
      return new Set((payload as unknown[]).map((v) => fromTree(v, types)));
    case 'Object':
      return members(payload as Record<string, unknown>, types);
  }
  const type = typeof tag === 'string' && tag.startsWith('x:') ? types.get(tag.slice(2)) : undefined;
  if (!type)
    throw new TypeError(
      `The stored result holds a value of type ${JSON.stringify(tag)}, which this codec does not know (register it in \`types\`).`,
    );
  return type.decode(fromTree(payload, types));
}

function members(node: Record<string, unknown>, types: ReadonlyMap<string, TypedValue>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    // A member that was `undefined` comes back present and `undefined`, as the handler returned it.
    setMember(result, key, fromTree(value, types));
  }
  return result;
}

/** An own member, `__proto__` included: assigning `__proto__` would set the object's prototype instead. */
function setMember(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
