import { IdempotencyStepInvalidError } from '../../errors';
import { expirationFrom } from '../backoff';
import { decodeWithCodec, stepCodec, type ResultCodec } from '../codec-port';
import type { EncodedResult } from '../record';
import { decodeResult, encodeResult } from '../result-codec';
import { noStepsError, uniqueStepNames, type StepRunner } from './step-function';
import { stepId } from './step-record';

/**
 * A step's result encoded as results are, or an `IdempotencyStepInvalidError` when it cannot be stored whole
 * (not JSON, or over `maxBytes` even compressed): a step result is never stored as `omitted`.
 */
export function encodeStepResult(name: string, value: unknown, maxBytes: number): EncodedResult {
  let encoded: EncodedResult;
  try {
    encoded = encodeResult(value, maxBytes);
  } catch (error) {
    throw new IdempotencyStepInvalidError(`The result of step ${JSON.stringify(name)} is not JSON-serialisable: ${String(error)}`, error);
  }
  if (encoded.encoding === 'omitted') {
    throw new IdempotencyStepInvalidError(
      `The result of step ${JSON.stringify(name)} is larger than ${maxBytes} bytes even compressed: nothing was stored.`,
    );
  }
  return encoded;
}

/**
 * Recovery points for one claimed request (Brandur Leach's pattern): each step's result is stored beside the
 * request's record when the step completes, so a run after a crash, a timeout, a lost lease or a released error
 * returns the stored results and runs only the steps that had not finished. Two runs racing one step (a run whose
 * lease was taken over, and its successor) both go on with the result stored first.
 */
export const stepRunner: StepRunner = (recordId, fingerprint, scope) => {
  const checkName = uniqueStepNames();
  const { store, now: clock, expiresAfterSeconds } = scope.options;
  const codec = stepCodec(scope.options.codec);
  const guarded = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw scope.storeFault(what, error);
    }
  };
  return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    checkName(name);
    if (!store.getStep || !store.putStep) throw noStepsError();
    const id = stepId(recordId, fingerprint, name);
    // The codec binds what it stores to the step's own id (encryption's associated data), as a result to its record's.
    const decodeStored = async (encoded: EncodedResult): Promise<T> => {
      if (encoded.encoding === 'omitted') throw new IdempotencyStepInvalidError('A stored step has no result.');
      return (await decodeWithCodec(codec, decodeResult(encoded), id, scope.telemetry, scope.storeFault)) as T;
    };
    const found = await guarded('read the step', () => store.getStep!({ id, now: clock() }));
    if (found) return decodeStored(found);
    const value = await fn();
    const result = encodeStepResult(name, await encodeStepValue(codec, name, value, id), store.maxResultBytes);
    const now = clock();
    const put = await guarded('store the step', () =>
      store.putStep!({ id, result, expiration: expirationFrom(now, expiresAfterSeconds), now }),
    );
    return put.stored ? value : decodeStored(put.existing);
  };
};

/** A step's value through the codec; a codec that fails is the step's error (a step is never stored without its result). */
async function encodeStepValue(codec: ResultCodec | undefined, name: string, value: unknown, id: string): Promise<unknown> {
  if (!codec) return value;
  try {
    return await codec.encode(value, { id });
  } catch (error) {
    throw new IdempotencyStepInvalidError(`The codec could not encode the result of step ${JSON.stringify(name)}: ${String(error)}`, error);
  }
}
