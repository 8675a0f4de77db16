import { MAX_KEY_LENGTH } from '../core/key-rules';
import { splitCommaJoined } from './http-event';

/** The header a client sends its key in (IETF draft-ietf-httpapi-idempotency-key-header). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** The key, or why the header cannot be used. */
export type KeyHeader =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'ambiguous' }
  | { readonly kind: 'invalid'; readonly reason: string };

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Reads the `Idempotency-Key` values of a request. The draft makes the key a structured-field
 * string (`"8e03978e-40d5"`, RFC 9651); most clients send a bare token (Stripe's style): both work.
 * Repeated headers with one value are one key; with two values they are ambiguous. A comma separates
 * values as a repeated header does (HTTP API joins repeats that way), so `a, b` is two keys too.
 */
export function readKeyHeader(values: readonly string[] | undefined): KeyHeader {
  if (!values || values.length === 0) return { kind: 'missing' };
  const keys = new Set<string>();
  for (const value of values.flatMap(splitCommaJoined)) {
    const parsed = parseKeyValue(value);
    if (parsed.kind !== 'key') return parsed;
    keys.add(parsed.key);
  }
  if (keys.size > 1) return { kind: 'ambiguous' };
  return { kind: 'key', key: [...keys][0]! };
}

function parseKeyValue(raw: string): KeyHeader {
  const value = raw.trim();
  if (value.length === 0) return invalid('The Idempotency-Key header is empty.');
  let key = value;
  if (value.startsWith('"')) {
    const unquoted = unquoteStructuredString(value);
    if (unquoted === undefined) return invalid('The Idempotency-Key header is not a well-formed quoted string.');
    key = unquoted;
  } else if (value.includes('"')) {
    return invalid('The Idempotency-Key header has a stray quote.');
  }
  if (key.length === 0) return invalid('The Idempotency-Key is empty.');
  if (key.length > MAX_KEY_LENGTH) {
    return invalid(`The Idempotency-Key is ${key.length} characters long; at most ${MAX_KEY_LENGTH} are allowed.`);
  }
  if (!VISIBLE_ASCII.test(key)) {
    return invalid('The Idempotency-Key may contain only visible ASCII characters (no spaces or control characters).');
  }
  return { kind: 'key', key };
}

function invalid(reason: string): KeyHeader {
  return { kind: 'invalid', reason };
}

/** RFC 9651 sf-string: `"` … `"` with `\"` and `\\` the only escapes; `undefined` if malformed. */
function unquoteStructuredString(value: string): string | undefined {
  if (value.length < 2 || !value.endsWith('"')) return undefined;
  let out = '';
  for (let i = 1; i < value.length - 1; i++) {
    const char = value[i]!;
    if (char === '\\') {
      if (i + 1 >= value.length - 1) return undefined; // the escape would swallow the closing quote
      const next = value[++i];
      if (next !== '"' && next !== '\\') return undefined;
      out += next;
    } else if (char === '"') {
      return undefined;
    } else {
      out += char;
    }
  }
  return out;
}
