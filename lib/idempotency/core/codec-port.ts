import { ErrorCode, hasErrorCode, IdempotencyResultUndecodableError, type IdempotencyStoreError } from '../errors';
import { MetricName, type InvocationTelemetry } from './telemetry';
import { refuseOption } from './validate';
import { errorMessage } from './error-message';

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
  /**
   * The codec an `idem.step` result goes through. A step's stored value feeds the handler's later code on a re-run,
   * so it must come back whole: a lossy codec (redaction) returns `undefined` here, a composition keeps its lossless
   * parts. Absent: the codec itself.
   */
  forSteps?(): ResultCodec | undefined;
}

/** What a step's result goes through: the codec's lossless part (`forSteps`), or the codec itself. */
export function stepCodec(codec: ResultCodec | undefined): ResultCodec | undefined {
  return codec?.forSteps ? codec.forSteps() : codec;
}

/** A codec's encoding of a result, or `undefined` when it failed (logged): the key then completes without its result. */
export type CodecEncoding = { readonly value: unknown } | undefined;

/** Applies `codec` to a result about to be stored. Never throws: a failure is logged, counted and answered `undefined`. */
export async function encodeWithCodec(
  codec: ResultCodec | undefined,
  value: unknown,
  id: string,
  telemetry: InvocationTelemetry,
): Promise<CodecEncoding> {
  if (!codec) return { value };
  try {
    return { value: await codec.encode(value, { id }) };
  } catch (error) {
    // Counted once, as `ResultsNotStored`, by the completion that follows.
    telemetry.record(undefined, 'warn', 'The codec could not encode the result, so it is not stored.', {
      idempotencyKey: id,
      error: String(error),
    });
    return undefined;
  }
}

/**
 * Applies `codec` to a stored result, logged and counted when it fails. A key service that cannot be reached
 * (`IdempotencyStoreError`) is rethrown as it is, through `storeFault`, so adapters answer it as a transient fault
 * (503, retried); anything else is this record's fault, `IdempotencyResultUndecodableError` (500), never a reason to run again.
 */
export async function decodeWithCodec(
  codec: ResultCodec | undefined,
  stored: unknown,
  id: string,
  telemetry: InvocationTelemetry,
  storeFault: (what: string, error: unknown) => IdempotencyStoreError,
): Promise<unknown> {
  if (!codec) return stored;
  try {
    return await codec.decode(stored, { id });
  } catch (error) {
    const transient = hasErrorCode(error, ErrorCode.storeFailure);
    const fault =
      transient || hasErrorCode(error, ErrorCode.resultUndecodable)
        ? error
        : new IdempotencyResultUndecodableError(`The stored result cannot be decoded: ${errorMessage(error)}`, error);
    telemetry.record(
      transient ? MetricName.storeErrors : MetricName.resultsUndecodable,
      'error',
      'The codec could not decode the stored result.',
      {
        idempotencyKey: id,
        error: String(fault),
      },
    );
    throw transient ? storeFault('decode the stored result', error) : fault;
  }
}

/** Throws a `TypeError` naming `codec` unless `value` is absent or has `encode` and `decode` methods. */
export function assertCodec(value: unknown): asserts value is ResultCodec | undefined {
  if (value === undefined) return;
  const codec = value as Partial<ResultCodec> | null;
  if (typeof codec !== 'object' || codec === null || typeof codec.encode !== 'function' || typeof codec.decode !== 'function') {
    refuseOption('codec', 'be { encode, decode }', value);
  }
}
