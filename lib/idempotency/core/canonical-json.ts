import { canonicalNumber } from './canonical-number';

/** Canonical JSON made elsewhere (a request body's, by `canonicalJsonText`), embedded as it is. */
export class CanonicalJson {
  constructor(readonly text: string) {}
}

type Frame =
  | { readonly kind: 'array'; readonly source: ArrayLike<unknown>; index: number; text: string }
  | {
      readonly kind: 'object';
      readonly source: Record<string, unknown>;
      readonly keys: string[];
      index: number;
      key: string;
      text: string;
      members: number;
    };

const OPENED = Symbol('opened');

/**
 * A value as canonical JSON, for fingerprints: object members sorted by key in UTF-16 code units as in
 * RFC 8785, strings and numbers as `JSON.stringify` writes them, so ordinary values read exactly as
 * they always did. Where `JSON.stringify` would make two different values alike, they stay apart:
 * `NaN` and `±Infinity` are written bare (never `null`), a BigInt as its exact value. Own enumerable
 * properties only, `__proto__` included as a member; `toJSON` is honoured. Iterative, so no depth
 * overflows the stack; a cycle throws a `TypeError`. `undefined` (or a function) at the top gives `undefined`.
 */
export function canonicalJson(root: unknown): string | undefined {
  const stack: Frame[] = [];
  const open = new Set<object>();
  const enter = (value: unknown, key: string): string | undefined | typeof OPENED => {
    const item = toJsonValue(value, key);
    if (typeof item !== 'object' || item === null || item instanceof CanonicalJson) return leaf(item);
    if (open.has(item)) throw new TypeError('Cannot fingerprint a circular structure');
    open.add(item);
    if (Array.isArray(item)) stack.push({ kind: 'array', source: item, index: 0, text: '[' });
    else
      stack.push({
        kind: 'object',
        source: item as Record<string, unknown>,
        keys: Object.keys(item).sort(),
        index: 0,
        key: '',
        text: '{',
        members: 0,
      });
    return OPENED;
  };

  let incoming = enter(root, '');
  for (;;) {
    const top = stack.at(-1);
    if (!top) return incoming as string | undefined; // nothing is open, so nothing was just opened
    // `incoming` is the text of the child just finished (`+=` keeps deep values as cheap ropes).
    if (incoming !== OPENED) {
      if (top.kind === 'array') top.text += (top.index > 1 ? ',' : '') + (incoming ?? 'null');
      else if (incoming !== undefined) top.text += `${top.members++ > 0 ? ',' : ''}${JSON.stringify(top.key)}:${incoming}`;
    }
    if (top.kind === 'array' && top.index < top.source.length) {
      const index = top.index++;
      incoming = enter(top.source[index], String(index));
    } else if (top.kind === 'object' && top.index < top.keys.length) {
      top.key = top.keys[top.index++]!;
      incoming = enter(top.source[top.key], top.key);
    } else {
      stack.pop();
      open.delete(top.source as object);
      incoming = top.text + (top.kind === 'array' ? ']' : '}');
    }
  }
}

function toJsonValue(value: unknown, key: string): unknown {
  let item = value;
  if (typeof item === 'object' && item !== null && typeof (item as { toJSON?: unknown }).toJSON === 'function') {
    item = (item as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  // Boxed primitives read as their primitive, as in JSON.stringify.
  if (item instanceof Number || item instanceof String || item instanceof Boolean || item instanceof BigInt) return item.valueOf();
  // JSON would make every Map and Set `{}`, so two different ones would fingerprint alike: they are written by content,
  // in canonical order (equal content, equal text), under a member name no JSON payload has.
  if (item instanceof Map) return { [MAP]: sortedByText([...item].map(([k, v]) => [canonicalJson(k) ?? 'null', v] as const)) };
  if (item instanceof Set)
    return {
      [SET]: [...item]
        .map((v) => canonicalJson(v) ?? 'null')
        .sort()
        .map((text) => new CanonicalJson(text)),
    };
  return item;
}

const MAP = '\u0000Map';
const SET = '\u0000Set';

/** A Map's entries ordered by their key's canonical text, each `[key, value]` with the key's text embedded as it is. */
function sortedByText(entries: readonly (readonly [string, unknown])[]): unknown[] {
  return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([text, value]) => [new CanonicalJson(text), value]);
}

function leaf(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return String(value); // JSON.stringify's digits when finite; NaN, Infinity, -Infinity bare otherwise
    case 'bigint':
      return canonicalNumber(value.toString());
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : (value as CanonicalJson).text;
    default:
      return undefined; // undefined, functions and symbols: skipped in objects, null in arrays
  }
}
