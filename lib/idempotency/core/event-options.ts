import type { Context } from 'aws-lambda';
import type { MissingKeyPolicy } from './event-key';
import type { EngineOptions } from './options';

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

/** The options `idempotent` and the middy middleware read besides the engine's: one list for both. */
export const EVENT_OPTION_KEYS: readonly string[] = Object.freeze(['key', 'scope', 'fingerprint', 'missingKey']);
