import type { DurableContext } from '@aws/durable-execution-sdk-js';
import { IdempotencyStepInvalidError } from '../errors';
import { expirationFrom } from '../core/backoff';
import { decodeWithCodec, stepCodec } from '../core/codec-port';
import type { EncodedResult } from '../core/record';
import { decodeResult } from '../core/result-codec';
import { uniqueStepNames, type StepFunction, type StepScope } from '../core/steps/step-function';
import { stepId } from '../core/steps/step-record';
import { encodeStepResult, encodeStepValue } from '../core/steps/step-runner';
import { DURABLE_CHECKPOINT_BYTES } from './execution-claim';

/** Why a step's result cannot be checkpointed, or `undefined` when it can (JSON, at most `maxBytes`). */
export function checkpointProblem(name: string, value: unknown, maxBytes: number): string | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    return `The result of step ${JSON.stringify(name)} is not JSON-serialisable: ${String(error)}`;
  }
  const bytes = Buffer.byteLength(json ?? '', 'utf8');
  if (bytes > maxBytes)
    return `The result of step ${JSON.stringify(name)} is ${bytes} bytes of JSON, more than a durable checkpoint holds (${maxBytes}).`;
  return undefined;
}

/**
 * A keyed request's steps beyond the SDK: the wrapper's codec, and the store's steps under the ids the plain step
 * runner uses (the request's record id, its fingerprint, the step's name), which outlive a failed execution.
 */
export interface DurableStepRecords {
  readonly recordId: string;
  readonly fingerprint: string | undefined;
  /** The engine's options, telemetry and store-fault wrapper for one piece of step work; `done` flushes what it counted. */
  readonly scope: () => StepScope & { readonly done: () => void };
}

/** What a step checkpoints: the result as the codec encoded it (JSON), or why it cannot be kept. */
type StepCheckpoint = { readonly value?: unknown; readonly invalid?: string };

/**
 * `idem.step` inside a durable execution: the SDK's own `context.step`, one mechanism, so the SDK checkpoints the
 * result and replays it. Names are unique within the request, as outside. A result that cannot be checkpointed is
 * reported by the step as a value (so the SDK does not retry the side effect) and thrown after it.
 */
export function durableSteps(context: Pick<DurableContext, 'step'>, maxBytes = DURABLE_CHECKPOINT_BYTES): StepFunction {
  const checkName = uniqueStepNames();
  return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    checkName(name);
    const outcome = await context.step(name, async (): Promise<StepCheckpoint> => {
      const value = await fn();
      const invalid = checkpointProblem(name, value, maxBytes - 16); // room for the `{"value":…}` around it
      return invalid === undefined ? { value } : { invalid };
    });
    if (outcome.invalid !== undefined) throw new IdempotencyStepInvalidError(outcome.invalid);
    return outcome.value as T;
  };
}

/**
 * `idem.step` of a keyed request inside a durable execution: the SDK's step, as `durableSteps`, whose result also goes
 * through the wrapper's codec (its lossless part, `forSteps`) and, when the store keeps steps, is stored there and
 * looked up first: a new execution after a failed one (whose claim was released) finds the steps that finished.
 */
export function keyedDurableSteps(
  context: Pick<DurableContext, 'step'>,
  records: DurableStepRecords,
  maxBytes = DURABLE_CHECKPOINT_BYTES,
): StepFunction {
  const checkName = uniqueStepNames();
  return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    checkName(name);
    const id = stepId(records.recordId, records.fingerprint, name);
    const outcome = await context.step(name, () => recordedStep(records.scope(), id, name, fn, maxBytes));
    if (outcome.invalid !== undefined) throw new IdempotencyStepInvalidError(outcome.invalid);
    // Decoded on every invocation, the first included, so each replay sees what the first one saw.
    const scope = records.scope();
    try {
      return (await decodeWithCodec(stepCodec(scope.options.codec), outcome.value, id, scope.telemetry, scope.storeFault)) as T;
    } finally {
      scope.done();
    }
  };
}

/** One attempt of a keyed step: the store's result when it has one, else `fn` run, encoded, stored and checkpointed. */
async function recordedStep(
  scope: StepScope & { readonly done: () => void },
  id: string,
  name: string,
  fn: () => Promise<unknown>,
  maxBytes: number,
) {
  const { store, now, expiresAfterSeconds } = scope.options;
  const keeps = typeof store.getStep === 'function' && typeof store.putStep === 'function';
  const stored = (encoded: EncodedResult): StepCheckpoint =>
    encoded.encoding === 'omitted' ? { invalid: 'A stored step has no result.' } : { value: decodeResult(encoded) };
  try {
    if (keeps) {
      // A fault here fails the attempt before anything ran: the SDK retries the step.
      const found = await store.getStep!({ id, now: now() }).catch((error: unknown) => {
        throw scope.storeFault('read the step', error);
      });
      if (found) return stored(found);
    }
    const value = await fn();
    let coded: unknown;
    let result: EncodedResult | undefined;
    try {
      coded = await encodeStepValue(stepCodec(scope.options.codec), name, value, id);
      if (keeps) result = encodeStepResult(name, coded, store.maxResultBytes);
    } catch (error) {
      return { invalid: error instanceof Error ? error.message : String(error) };
    }
    const invalid = checkpointProblem(name, coded, maxBytes - 16); // room for the `{"value":…}` around it
    if (invalid !== undefined) return { invalid };
    if (result) {
      const at = now();
      try {
        const put = await store.putStep!({ id, result, expiration: expirationFrom(at, expiresAfterSeconds), now: at });
        if (!put.stored) return stored(put.existing);
      } catch (error) {
        // The side effect ran: failing the attempt would run it again. The checkpoint keeps the result for this
        // execution; only a new execution after a failed one would not find it.
        scope.telemetry.event('storeFailed', { idempotencyKey: id, step: 'store the step', error: String(error) });
      }
    }
    return { value: coded };
  } finally {
    scope.done();
  }
}
