import type { DurableContext } from '@aws/durable-execution-sdk-js';
import { IdempotencyStepInvalidError } from '../errors';
import type { IdempotencyStore } from '../core/store';
import { uniqueStepNames, type StepCheckpoint, type StepFunction, type StepScope } from '../core/steps/step-function';
import { unstoredSteps } from '../core/steps/step-runner';
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
  /** The engine's options (its store among them, with its capabilities) and store-fault wrapper. */
  readonly scope: StepScope & { readonly options: { readonly store: Pick<IdempotencyStore, 'capabilities'> } };
  /** Runs one piece of step work with telemetry of its own, flushed when the piece ends (see `StepCheckpoint`). */
  readonly within: StepCheckpoint['within'];
}

/** What a step checkpoints: the result as the codec encoded it (JSON), or why it cannot be kept. */
type StepCheckpointValue = { readonly value?: unknown; readonly invalid?: string };

/**
 * `idem.step` inside a durable execution: the SDK's own `context.step`, one mechanism, so the SDK checkpoints the
 * result and replays it. Names are unique within the request, as outside. A result that cannot be checkpointed is
 * reported by the step as a value (so the SDK does not retry the side effect) and thrown after it.
 */
export function durableSteps(context: Pick<DurableContext, 'step'>, maxBytes = DURABLE_CHECKPOINT_BYTES): StepFunction {
  const checkName = uniqueStepNames();
  return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    checkName(name);
    const outcome = await context.step(name, async (): Promise<StepCheckpointValue> => {
      const value = await fn();
      const invalid = checkpointProblem(name, value, maxBytes - 16); // room for the `{"value":…}` around it
      return invalid === undefined ? { value } : { invalid };
    });
    if (outcome.invalid !== undefined) throw new IdempotencyStepInvalidError(outcome.invalid);
    return outcome.value as T;
  };
}

/**
 * `idem.step` of a keyed request inside a durable execution: the one step runner, with the SDK's step as its checkpoint
 * (so its result also goes through the wrapper's codec, the lossless part `forSteps`). The store keeps the steps too
 * when it brings their runner, as the plain engine asks (`capabilities.stepRunner`); they are looked up there first,
 * so a new execution after a failed one (whose claim was released) finds the steps that finished.
 */
export function keyedDurableSteps(
  context: Pick<DurableContext, 'step'>,
  records: DurableStepRecords,
  maxBytes = DURABLE_CHECKPOINT_BYTES,
): StepFunction {
  const runner = records.scope.options.store.capabilities?.stepRunner ?? unstoredSteps;
  return runner(records.recordId, records.fingerprint, records.scope, {
    step: (name, attempt) => context.step(name, attempt),
    problem: (name, encoded) => checkpointProblem(name, encoded, maxBytes - 16), // room for the `{"value":…}` around it
    // Failing the attempt would run the side effect again: the checkpoint keeps the result for this execution, and
    // only a new execution after a failed one would not find it.
    storeFailed: (telemetry, id, error) =>
      telemetry.event('storeFailed', { idempotencyKey: id, step: 'store the step', error: String(error) }),
    within: records.within,
  });
}
