import { IdempotencyStepInvalidError } from '../../errors';
import { expirationFrom } from '../backoff';
import { errorMessage } from '../error-message';
import { decodeWithCodec, stepCodec, type ResultCodec } from '../codec-port';
import type { EncodedResult } from '../record';
import { decodeResult, encodeResult } from '../result-codec';
import type { InvocationTelemetry } from '../telemetry';
import {
  noStepsError,
  uniqueStepNames,
  type StepCheckpoint,
  type StepFunction,
  type StepRunner,
  type StepScope,
  type StepStore,
} from './step-function';
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
 * lease was taken over, and its successor) both go on with the result stored first. The one runner of `idem.step`:
 * a durable execution passes its `checkpoint` (see `StepCheckpoint`), which comes first, and the store's steps,
 * which outlive a failed execution, after it.
 */
export const stepRunner: StepRunner = (recordId, fingerprint, scope, checkpoint) =>
  runSteps(recordId, fingerprint, scope, checkpoint, keepsSteps(scope.options.store));

/**
 * `idem.step` where the store keeps no steps (it brings no `capabilities.stepRunner`): with a durable execution's
 * `checkpoint`, the checkpoints alone keep them; without one, every step is refused, as `NO_STEPS` does.
 */
export const unstoredSteps: StepRunner = (recordId, fingerprint, scope, checkpoint) =>
  runSteps(recordId, fingerprint, scope, checkpoint, false);

/** Whether `store` has the members that store steps. */
function keepsSteps(store: StepStore): boolean {
  return typeof store.getStep === 'function' && typeof store.putStep === 'function';
}

/**
 * What one attempt of a step gives: the value `fn` ran to (stored, or kept by no checkpoint: returned as is), a result
 * to decode (found stored, or what a checkpoint holds: the codec's JSON), or why the result cannot be kept (thrown
 * after the checkpoint). A checkpoint holds only the last two, in this shape.
 */
type StepOutcome = { readonly ran: unknown } | { readonly value?: unknown; readonly invalid?: string };

function runSteps(
  recordId: string,
  fingerprint: string | undefined,
  scope: StepScope,
  checkpoint: StepCheckpoint | undefined,
  keeps: boolean,
): StepFunction {
  const checkName = uniqueStepNames();
  const { store, now: clock, expiresAfterSeconds } = scope.options;
  const codec = stepCodec(scope.options.codec);
  const within = checkpoint?.within ?? (<R>(work: (telemetry: InvocationTelemetry) => Promise<R>) => work(scope.telemetry));
  const stored = (encoded: EncodedResult): StepOutcome =>
    encoded.encoding === 'omitted' ? { invalid: 'A stored step has no result.' } : { value: decodeResult(encoded) };

  /** Looks the step up, else runs it: encoded, checked against the checkpoint, stored. */
  const attempt = async (id: string, name: string, fn: () => Promise<unknown>, telemetry: InvocationTelemetry): Promise<StepOutcome> => {
    if (keeps) {
      let found: EncodedResult | undefined;
      try {
        found = await store.getStep!({ id, now: clock() });
      } catch (error) {
        // Nothing ran yet: the attempt fails (a durable step's attempt is retried by the SDK).
        throw scope.storeFault('read the step', error);
      }
      if (found) return stored(found);
    }
    const value = await fn();
    // From here on the side effect has run: with a checkpoint, a failure is reported as a value, since failing the
    // attempt would have the SDK run it again.
    let coded: unknown;
    let result: EncodedResult | undefined;
    try {
      // The codec binds what it stores to the step's own id (encryption's associated data), as a result to its record's.
      coded = await encodeStepValue(codec, name, value, id);
      if (keeps) result = encodeStepResult(name, coded, store.maxResultBytes);
    } catch (error) {
      if (!checkpoint) throw error;
      return { invalid: errorMessage(error) }; // the two encoders throw IdempotencyStepInvalidError
    }
    const invalid = checkpoint?.problem(name, coded);
    if (invalid !== undefined) return { invalid };
    if (result) {
      const now = clock();
      try {
        const put = await store.putStep!({ id, result, expiration: expirationFrom(now, expiresAfterSeconds), now });
        if (!put.stored) return stored(put.existing);
      } catch (error) {
        if (!checkpoint) throw scope.storeFault('store the step', error);
        checkpoint.storeFailed(telemetry, id, error);
      }
    }
    return checkpoint ? { value: coded } : { ran: value };
  };

  return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    checkName(name);
    if (!keeps && !checkpoint) throw noStepsError();
    const id = stepId(recordId, fingerprint, name);
    const run = () => within((telemetry) => attempt(id, name, fn, telemetry));
    const outcome = checkpoint ? await checkpoint.step(name, run) : await run();
    if ('ran' in outcome) return outcome.ran as T;
    if (outcome.invalid !== undefined) throw new IdempotencyStepInvalidError(outcome.invalid);
    // Decoded on every invocation of a durable execution, the first included, so each replay sees what the first one saw.
    return (await within((telemetry) => decodeWithCodec(codec, outcome.value, id, telemetry, scope.storeFault))) as T;
  };
}

/** A step's value through the codec; a codec that fails is the step's error (a step is never stored without its result). */
export async function encodeStepValue(codec: ResultCodec | undefined, name: string, value: unknown, id: string): Promise<unknown> {
  if (!codec) return value;
  try {
    return await codec.encode(value, { id });
  } catch (error) {
    throw new IdempotencyStepInvalidError(`The codec could not encode the result of step ${JSON.stringify(name)}: ${String(error)}`, error);
  }
}
