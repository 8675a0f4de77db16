import type { DurableContext } from '@aws/durable-execution-sdk-js';
import { IdempotencyStepInvalidError } from '../errors';
import { uniqueStepNames, type StepFunction } from '../core/steps/step-function';
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
 * `idem.step` inside a durable execution: the SDK's own `context.step`, one mechanism, so the SDK checkpoints the
 * result and replays it. Names are unique within the request, as outside. A result that cannot be checkpointed is
 * reported by the step as a value (so the SDK does not retry the side effect) and thrown after it.
 */
export function durableSteps(context: Pick<DurableContext, 'step'>, maxBytes = DURABLE_CHECKPOINT_BYTES): StepFunction {
  const checkName = uniqueStepNames();
  return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    checkName(name);
    const outcome = await context.step(name, async (): Promise<{ value?: T; invalid?: string }> => {
      const value = await fn();
      const invalid = checkpointProblem(name, value, maxBytes - 16); // room for the `{"value":…}` around it
      return invalid === undefined ? { value } : { invalid };
    });
    if (outcome.invalid !== undefined) throw new IdempotencyStepInvalidError(outcome.invalid);
    return outcome.value as T;
  };
}
