import { ErrorCode, hasErrorCode, IdempotencyResultUndecodableError, type IdempotencyStoreError } from '../errors';
import { describe } from './validate';

/** What a codec knows of the record it encodes or decodes. */
export interface ResultCodecContext {
  /** The record's id (the scoped, hashed key): encryption binds a ciphertext to it as associated data. */
  readonly id: string;
}

/**
 * Turns a handler's result into what is stored, and a stored value back into the result: typed values
 * (`typedCodec`), redaction (`redactResults`), encryption (`encryptResults`); `composeCodecs` chains them.
 * `encode` returns a JSON-safe value (the engine then stores it as JSON, compressed when large); `decode`
 * receives that value as parsed JSON. Either may be async. A record written without a codec reaches
 * `decode` as the plain result, so a codec should pass through values that are not its own format.
 */
export interface ResultCodec {
  encode(value: unknown, context: ResultCodecContext): unknown;
  decode(stored: unknown, context: ResultCodecContext): unknown;
}

/** A codec's encoding of a result, or why there is none (the engine then stores nothing and releases the key). */
export type CodecEncoding = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Applies `codec` to a result about to be stored; never throws: a failure is a value the engine reports. */
export async function encodeWithCodec(codec: ResultCodec | undefined, value: unknown, context: ResultCodecContext): Promise<CodecEncoding> {
  if (!codec) return { ok: true, value };
  try {
    return { ok: true, value: await codec.encode(value, context) };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Applies `codec` to a stored result. A store fault the codec raises (a key service that is down:
 * `IdempotencyStoreError`) is rethrown as it is, so adapters answer it as a transient fault (503, retried);
 * anything else is this record's fault, `IdempotencyResultUndecodableError`, never a reason to run again.
 */
export async function decodeWithCodec(codec: ResultCodec | undefined, stored: unknown, context: ResultCodecContext): Promise<unknown> {
  if (!codec) return stored;
  try {
    return await codec.decode(stored, context);
  } catch (error) {
    if (hasErrorCode(error, ErrorCode.storeFailure) || hasErrorCode(error, ErrorCode.resultUndecodable)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new IdempotencyResultUndecodableError(`The stored result cannot be decoded: ${message}`, error);
  }
}

/** Whether `error` (from `decodeWithCodec`) is a transient store fault rather than this record's own. */
export function isCodecStoreFault(error: unknown): error is IdempotencyStoreError {
  return hasErrorCode(error, ErrorCode.storeFailure);
}

/** Throws a `TypeError` naming `codec` unless `value` is absent or has `encode` and `decode` methods. */
export function assertCodec(value: unknown): asserts value is ResultCodec | undefined {
  if (value === undefined) return;
  const codec = value as Partial<ResultCodec> | null;
  if (typeof codec !== 'object' || codec === null || typeof codec.encode !== 'function' || typeof codec.decode !== 'function') {
    throw new TypeError(
      `Expected \`codec\` to be { encode(value, context), decode(stored, context) } (typedCodec(), encryptResults(…)…), got ${describe(value)}`,
    );
  }
}
