import type { DurableContext } from '@aws/durable-execution-sdk-js';
import type { Context } from 'aws-lambda';
import { heldClaim } from '../core/claim/settlement';
import { IdempotencyEngine, type Invocation } from '../core/engine';
import { unkeptLease } from '../core/lease-keeper';
import { eventKeyReader, keylessIdempotencyContext, type EventKeyDefaults } from '../core/event-key';
import { resolveEngineOptions } from '../core/options';
import type { IdempotencyContext } from '../core/outcome';
import { refusalError } from '../core/refusal-error';
import { ErrorCode, hasErrorCode, IdempotencyStoreError } from '../errors';
import type { IdempotencyStore } from '../core/store';
import { assertFunction, assertInteger } from '../core/validate';
import { DEFAULTS } from '../core/defaults';
import { errorMessage } from '../core/error-message';
import { EVENT_OPTION_KEYS, type IdempotentOptions } from '../core/event-options';
import { isDurableContext } from '../core/durable-context';
import { durableSteps, keyedDurableSteps } from './durable-steps';
import { claimCheckpoint, DURABLE_CHECKPOINT_BYTES, executionLeaseEnd, executionLeaseToken, type ClaimCheckpoint } from './execution-claim';

/** The longest durable execution Lambda allows (366 days), in seconds. */
const MAX_EXECUTION_TIMEOUT_SECONDS = 31_622_400;

/** Options of the durable `idempotent`: those of `idempotent`, and the execution's timeout. */
export interface DurableIdempotentOptions<TEvent> extends IdempotentOptions<TEvent> {
  /**
   * The durable function's execution timeout (its `DurableConfig` `ExecutionTimeout`), in seconds: the claim lasts
   * that long from the execution's first invocation, through every wait, so no other execution takes the key while
   * this one may still run. Required: the SDK does not tell a handler its execution's timeout.
   */
  readonly executionTimeoutSeconds: number;
  /**
   * How long a record is kept, from its completion. At least `executionTimeoutSeconds`, so that a claim never
   * expires under a running execution.
   * @default the larger of 86400 (24 hours) and `executionTimeoutSeconds`
   */
  readonly expiresAfterSeconds?: number;
}

/** A durable handler to make idempotent: `withDurableExecution`'s handler, with `idem` as its third argument. */
export type DurableIdempotentHandler<TEvent, TResult> = (
  event: TEvent,
  context: DurableContext,
  idem: IdempotencyContext,
) => Promise<TResult>;

/** Inside an execution every invocation has its own request id: only the event's own id can key it. */
const DURABLE_EVENT_KEY: EventKeyDefaults<unknown, Context> = Object.freeze({
  key(event: unknown): string | undefined {
    const id = (event as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && id.length > 0) return id;
    if (typeof id === 'number' && Number.isFinite(id)) return String(id);
    return undefined;
  },
  fingerprint: (event: unknown) => event,
});

/** The claim step's name in the execution's history. */
export const CLAIM_STEP = 'idempotency-claim';
/** The step that completes the claim with the result. */
export const COMPLETE_STEP = 'idempotency-complete';
/** The step that releases the claim when the execution fails. */
export const RELEASE_STEP = 'idempotency-release';

/**
 * `idempotent` for a handler wrapped in `withDurableExecution`: once per key across executions (an event delivered
 * twice, as two executions, runs once; the second gets the first's result), while every replay of one execution
 * continues its own claim. The claim belongs to the execution, not to an invocation: its lease token derives from the
 * execution's ARN, its lease lasts the execution's timeout, and it is taken in a durable step, so `Claimed` and the
 * other decisions are counted and logged once per execution. The result is stored in a step when the handler returns;
 * the claim is released in a step when the handler throws (the execution fails). `idem.step` is the SDK's step.
 */
export function idempotent<TEvent, TResult>(
  handler: DurableIdempotentHandler<TEvent, TResult>,
  options: DurableIdempotentOptions<TEvent>,
): (event: TEvent, context: DurableContext) => Promise<TResult> {
  assertFunction('handler', handler, false);
  const { executionTimeoutSeconds, ...rest } = options ?? ({} as DurableIdempotentOptions<TEvent>);
  assertInteger('executionTimeoutSeconds', executionTimeoutSeconds, 1);
  if (executionTimeoutSeconds > MAX_EXECUTION_TIMEOUT_SECONDS) {
    throw new TypeError(
      `Expected \`executionTimeoutSeconds\` to be at most ${MAX_EXECUTION_TIMEOUT_SECONDS} (366 days), got ${executionTimeoutSeconds}`,
    );
  }
  const expiresAfterSeconds = rest.expiresAfterSeconds ?? Math.max(DEFAULTS.expiresAfterSeconds, executionTimeoutSeconds);
  if (typeof expiresAfterSeconds === 'number' && expiresAfterSeconds < executionTimeoutSeconds) {
    throw new TypeError(
      `Expected \`expiresAfterSeconds\` to be at least \`executionTimeoutSeconds\` (${executionTimeoutSeconds}), got ${expiresAfterSeconds}: a record must not expire under a running execution`,
    );
  }
  const engineOptions = resolveEngineOptions(
    { ...rest, expiresAfterSeconds, store: checkpointSized(rest.store) },
    'idempotent (durable)',
    EVENT_OPTION_KEYS,
  );
  const engine = new IdempotencyEngine(engineOptions);
  const readKey = eventKeyReader<TEvent, Context>(options, DURABLE_EVENT_KEY);

  return async (event, context) => {
    if (!isDurableContext(context)) {
      throw new TypeError(
        'The durable `idempotent` needs the DurableContext: wrap it in withDurableExecution(), or use `idempotent` from lambda-idempotency.',
      );
    }
    const request = readKey(event, context.lambdaContext);
    if (!request) return handler(event, context, keylessIdempotencyContext(durableSteps(context)));

    const leaseToken = executionLeaseToken(context.executionContext.durableExecutionArn);
    // Two invocation scopes, each flushed as soon as its part is done: an invocation that suspends (a wait) never
    // reaches a `finally`, so the claim's counts must be written before the handler runs.
    const claiming = engine.start(context.lambdaContext);
    let found: ClaimCheckpoint;
    try {
      found = await context.step(CLAIM_STEP, async () => {
        const leaseExpiresAt = executionLeaseEnd(engineOptions.now(), executionTimeoutSeconds, engineOptions.leaseMarginMs);
        return claimCheckpoint(await claiming.begin<TResult>({ ...request, leaseToken, leaseExpiresAt }));
      });
    } finally {
      flushIfCounted(claiming);
    }
    if (found.kind === 'replayed') return found.result as TResult;
    if (found.kind !== 'claimed') throw refusalError(found);

    const settling = engine.start(context.lambdaContext);
    const steps = keyedDurableSteps(context, {
      recordId: found.id,
      fingerprint: request.fingerprint,
      scope: { options: engineOptions, telemetry: settling.telemetry, storeFault },
      within: async (work) => {
        const invocation = engine.start(context.lambdaContext);
        try {
          return await work(invocation.telemetry);
        } finally {
          flushIfCounted(invocation);
        }
      },
    });
    // The claim's lease is the execution's (up to a year), so a settlement that fails must not be given up after one
    // invocation's retries: its store fault fails the step, and the SDK retries the step (backing off, over minutes).
    // Held by its token, with no lease keeper: its lease is the execution's, not this invocation's.
    const claim = heldClaim(found.id, leaseToken, request.fingerprint, settling.claimant, unkeptLease(), steps, true);
    let result: TResult;
    try {
      result = await handler(event, context, claim.idem);
    } catch (error) {
      try {
        await context.step(RELEASE_STEP, async (step) => {
          if (step.attempt === 1) settling.telemetry.event('handlerThrew', { idempotencyKey: found.id });
          try {
            await claim.release('the durable execution failed');
          } catch (fault) {
            throw storeFault('release the idempotency key', fault);
          } finally {
            flushIfCounted(settling); // before a retry's delay ends the invocation
          }
        });
      } catch {
        // Every attempt failed and was logged (`releaseFailed`): the key frees itself when the lease ends. The
        // execution fails with the handler's error, its real cause.
      }
      throw error;
    }
    const settled = await context.step(COMPLETE_STEP, async () => {
      try {
        return await claim.complete(result);
      } catch (fault) {
        throw storeFault('store the result', fault);
      } finally {
        flushIfCounted(settling);
      }
    });
    flushIfCounted(settling);
    // As the plain `idempotent`: a refused write (or a lost lease) is an error, also when replayed from the checkpoint.
    if (settled.kind !== 'completed') throw refusalError(settled);
    return result;
  };
}

/**
 * The store, with results capped at what a durable checkpoint holds: a stored result is replayed through the claim
 * step's checkpoint, so a larger one is stored as `omitted` (the key completes; a duplicate gets "unavailable").
 */
function checkpointSized(store: IdempotencyStore): IdempotencyStore {
  if (typeof store !== 'object' || store === null) return store;
  const maxResultBytes = Math.min(store.maxResultBytes, DURABLE_CHECKPOINT_BYTES - 1024);
  return new Proxy(store, {
    get: (target, property, receiver) => (property === 'maxResultBytes' ? maxResultBytes : Reflect.get(target, property, receiver)),
  });
}

/** A store failure in a durable step, wrapped as the engine wraps its own ("Could not <what>: …", the cause kept), once. */
function storeFault(what: string, error: unknown): IdempotencyStoreError {
  if (hasErrorCode(error, ErrorCode.storeFailure)) return error as IdempotencyStoreError;
  return new IdempotencyStoreError(`Could not ${what}: ${errorMessage(error)}`, error);
}

/**
 * Metrics once per execution, not per replay: an invocation that only replayed checkpoints counted nothing, and
 * writes no line. The one that claimed (or settled) writes its counts.
 */
function flushIfCounted(invocation: Invocation): void {
  if (invocation.telemetry.counted()) invocation.flush();
}
