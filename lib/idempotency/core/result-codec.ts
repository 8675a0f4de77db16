import { gunzipSync, gzipSync } from 'node:zlib';
import type { WriteConditionFailure } from './business-write';
import type { EncodedResult } from './record';

/** Results larger than this (UTF-8 JSON) are gzip-compressed: fewer write units, and large results still fit an item. */
export const COMPRESS_ABOVE_BYTES = 32 * 1024;

/**
 * Encodes a handler's result for storage. `undefined` is kept as such (JSON has no word for it);
 * anything else must survive `JSON.stringify` (as a Lambda result must anyway).
 * A result that is larger than `maxBytes` even compressed is `omitted`: the record completes,
 * so the handler never runs again, but duplicates get `IdempotencyResultUnavailableError`.
 */
export function encodeResult(result: unknown, maxBytes: number): EncodedResult {
  const json = JSON.stringify(result);
  if (json === undefined) return { encoding: 'undefined' };
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes <= COMPRESS_ABOVE_BYTES && bytes <= maxBytes) return { encoding: 'json', data: json };
  const compressed = gzipSync(json);
  if (compressed.byteLength <= maxBytes) return { encoding: 'json-gzip', data: compressed };
  if (bytes <= maxBytes) return { encoding: 'json', data: json };
  return { encoding: 'omitted' };
}

/**
 * A write refusal kept as the key's final answer (`onConditionFailure: 'store'`): the failed writes' names and codes,
 * not the items they returned, which are the caller's business data.
 */
export function encodeRefusal(failures: readonly WriteConditionFailure[]): EncodedResult {
  return {
    encoding: 'write-refused',
    data: JSON.stringify(failures.map(({ index, name, code, message }) => ({ index, name, code, message }))),
  };
}

/** The result as the first invocation returned it (after a JSON round trip); a stored refusal's failed writes. Not for `omitted`. */
export function decodeResult(encoded: Exclude<EncodedResult, { encoding: 'omitted' }>): unknown {
  switch (encoded.encoding) {
    case 'undefined':
      return undefined;
    case 'json':
    case 'write-refused':
      return JSON.parse(encoded.data);
    case 'json-gzip':
      return JSON.parse(gunzipSync(encoded.data).toString('utf8'));
  }
}

/**
 * The result as the store keeps it: encoded, or `omitted` when it is not JSON-serialisable (a BigInt, a cycle),
 * which `onUnserialisable` reports. The handler has run either way, so its caller gets its result.
 */
export function encodeForStore(result: unknown, maxBytes: number, onUnserialisable: (error: unknown) => void): EncodedResult {
  try {
    return encodeResult(result, maxBytes);
  } catch (error) {
    onUnserialisable(error);
    return { encoding: 'omitted' };
  }
}
