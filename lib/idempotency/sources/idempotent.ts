import type { Context } from 'aws-lambda';
import { IdempotencyEngine } from '../core/engine';
import { DEFAULT_EVENT_KEY, eventKeyReader, keylessIdempotencyContext, type MissingKeyPolicy } from '../core/event-key';
import { resolveEngineOptions, type EngineOptions } from '../core/options';
import { noteKeySpace } from '../core/shared-key-space';
import type { IdempotencyContext } from '../core/outcome';
import { refusalError } from '../core/refusal-error';
import { assertFunction } from '../core/validate';
import { isDurableContext } from '../durable/durable-context';

/** Options of `idempotent`. */
export interface IdempotentOptions<TEvent> extends EngineOptions {
  /**
   * The idempotency key of an event, or `undefined` when it has none.
   * @default the event's `id` (EventBridge, CloudEvents; a number as its decimal string), else
   * `context.awsRequestId`, which Lambda's own retries of an asynchronous invocation keep
   */
  readonly key?: (event: TEvent, context: Context) => string | undefined;
  /**
   * The caller the key belongs to (a tenant, a principal); keys of two scopes never meet.
   * @default no scope: keys are shared by all callers of the operation
   */
  readonly scope?: (event: TEvent, context: Context) => string | undefined;
  /**
   * The part of the event that must be equal for a duplicate to be replayed (hashed as canonical JSON).
   * A key reused with a different fingerprint raises `IdempotencyPayloadMismatchError` and nothing runs.
   * @default the whole event when `key` is not given (several events of one invocation share its request id:
   * another event under it is refused, never handed this one's result); no payload check when `key` is given
   */
  readonly fingerprint?: (event: TEvent) => unknown;
  /**
   * An event without a key: `'reject'` throws `IdempotencyKeyMissingError`; `'run-without-idempotency'`
   * runs the handler with no protection at all (`idem.key` is `undefined`).
   * @default 'reject'
   */
  readonly missingKey?: MissingKeyPolicy;
}

/** The options `idempotent` and the middy middleware read besides the engine's. */
export const EVENT_OPTION_KEYS: readonly string[] = Object.freeze(['key', 'scope', 'fingerprint', 'missingKey']);

/** A handler to make idempotent: a Lambda handler with a third argument. */
export type IdempotentHandler<TEvent, TResult> = (event: TEvent, context: Context, idem: IdempotencyContext) => Promise<TResult>;

/**
 * Wraps a Lambda handler so that it runs once per key: duplicates get the first result back.
 * Options are validated here, so a bad option fails at cold start, not at the first request.
 */
export function idempotent<TEvent, TResult>(
  handler: IdempotentHandler<TEvent, TResult>,
  options: IdempotentOptions<TEvent>,
): (event: TEvent, context: Context) => Promise<TResult> {
  assertFunction('handler', handler, false);
  const engineOptions = resolveEngineOptions(options, 'idempotent', EVENT_OPTION_KEYS);
  noteKeySpace(engineOptions, 'idempotent');
  const engine = new IdempotencyEngine(engineOptions);
  const readKey = eventKeyReader(options, DEFAULT_EVENT_KEY);

  return async (event, context) => {
    // Inside withDurableExecution every replay is a new invocation: this wrapper would take the execution's own replay for a duplicate.
    if (isDurableContext(context)) {
      throw new TypeError(
        "This handler runs inside withDurableExecution: use `idempotent` from 'lambda-idempotency/durable', whose claim belongs to the execution.",
      );
    }
    const request = readKey(event, context);
    if (!request) return handler(event, context, keylessIdempotencyContext());
    return engine.invoke(context, async (invocation) => {
      const outcome = await invocation.execute({ ...request, run: (idem) => handler(event, context, idem) });
      if (outcome.kind === 'ran' || outcome.kind === 'replayed') return outcome.result;
      throw refusalError(outcome);
    });
  };
}
