import { IdempotencyStepInvalidError, type IdempotencyStoreError } from '../../errors';
import { expirationFrom } from '../backoff';
import type { EncodedResult } from '../record';
import { decodeResult, encodeResult } from '../result-codec';
import type { IdempotencyStore } from '../store';
import { stepId } from './step-record';

/** `idem.step`: runs `fn` once per request and name, and gives every later run of the request its stored result. */
export type StepFunction = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** What a request's steps need from the engine. */
export interface StepScope {
  readonly options: { readonly store: IdempotencyStore; readonly now: () => number; readonly expiresAfterSeconds: number };
  /** Wraps a store failure as the invocation's own store fault (adapters answer it as a store failure): "Could not <what>: …". */
  readonly storeFault: (what: string, error: unknown) => IdempotencyStoreError;
}

/**
 * Names must be unique within a request (a step is found again by its name alone), and non-empty strings.
 * Returns a checker that throws on the first name used twice.
 */
export function uniqueStepNames(): (name: unknown) => void {
  const used = new Set<string>();
  return (name) => {
    if (typeof name !== 'string' || name.length === 0)
      throw new TypeError(`Expected a step name to be a non-empty string, got ${String(name)}`);
    if (used.has(name))
      throw new IdempotencyStepInvalidError(
        `The step name ${JSON.stringify(name)} is used twice in one request: step names must be unique.`,
      );
    used.add(name);
  };
}

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
export function stepRunner(recordId: string, fingerprint: string | undefined, scope: StepScope): StepFunction {
  const checkName = uniqueStepNames();
  const { store, now: clock, expiresAfterSeconds } = scope.options;
  const guarded = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw scope.storeFault(what, error);
    }
  };
  return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    checkName(name);
    if (!store.getStep || !store.putStep) {
      throw new IdempotencyStepInvalidError(
        'This store keeps no steps (it has no getStep / putStep): idem.step needs one that does (DynamoDbStore with `steps: dynamoDbSteps()`).',
      );
    }
    const id = stepId(recordId, fingerprint, name);
    const found = await guarded('read the step', () => store.getStep!({ id, now: clock() }));
    if (found) return decodeStored<T>(found);
    const value = await fn();
    const result = encodeStepResult(name, value, store.maxResultBytes);
    const now = clock();
    const put = await guarded('store the step', () =>
      store.putStep!({ id, result, expiration: expirationFrom(now, expiresAfterSeconds), now }),
    );
    return put.stored ? value : decodeStored<T>(put.existing);
  };
}

function decodeStored<T>(encoded: EncodedResult): T {
  if (encoded.encoding === 'omitted') throw new IdempotencyStepInvalidError('A stored step has no result.');
  return decodeResult(encoded) as T;
}
