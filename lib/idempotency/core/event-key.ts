import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { IdempotencyKeyInvalidError, IdempotencyKeyMissingError, IdempotencyWriteInvalidError } from '../errors';
import { DEFAULTS } from './defaults';
import { assertValidKey } from './key-rules';
import type { IdempotencyContext } from './outcome';
import { fingerprintOf } from './scoped-key';
import { assertFunction, assertOneOf } from './validate';

/** What to do with an event that has no key. */
export type MissingKeyPolicy = 'reject' | 'run-without-idempotency';

/** How an event names its key, scope and fingerprint: the options `idempotent`, the middy middleware and SQS read. */
export interface EventKeyOptions<TEvent, TContext = Context> {
  readonly key?: ((event: TEvent, context: TContext) => string | undefined) | undefined;
  readonly scope?: ((event: TEvent, context: TContext) => string | undefined) | undefined;
  readonly fingerprint?: ((event: TEvent) => unknown) | undefined;
  readonly missingKey?: MissingKeyPolicy | undefined;
}

/** Key, scope and fingerprint of one event, ready for the engine. */
export interface EventKey {
  readonly key: string;
  readonly scope?: string | undefined;
  readonly fingerprint?: string | undefined;
}

/**
 * Validates the event-facing options and returns a reader: the event's key, scope and fingerprint;
 * `undefined` for a keyless event that may run unprotected; `IdempotencyKeyMissingError` /
 * `IdempotencyKeyInvalidError` otherwise. One reader, one rule, for every adapter that reads events.
 */
export function eventKeyReader<TEvent, TContext = Context>(
  options: EventKeyOptions<TEvent, TContext>,
  defaultKey: (event: TEvent, context: TContext) => string | undefined,
): (event: TEvent, context: TContext) => EventKey | undefined {
  assertFunction('key', options.key, true);
  assertFunction('scope', options.scope, true);
  assertFunction('fingerprint', options.fingerprint, true);
  const keyOf = options.key ?? defaultKey;
  const missingKey = options.missingKey ?? DEFAULTS.missingKey;
  assertOneOf('missingKey', missingKey, ['reject', 'run-without-idempotency'] as const);
  return (event, context) => {
    const key: unknown = keyOf(event, context);
    if (key === undefined || key === null) {
      if (missingKey === 'reject') throw new IdempotencyKeyMissingError();
      return undefined;
    }
    if (typeof key !== 'string') throw new IdempotencyKeyInvalidError(`The idempotency key must be a string, got ${typeof key}.`);
    assertValidKey(key);
    return {
      key,
      scope: options.scope?.(event, context),
      fingerprint: options.fingerprint ? fingerprintOf(options.fingerprint(event)) : undefined,
    };
  };
}

/** The default key: EventBridge and CloudEvents carry an `id`; a retried asynchronous invocation keeps its request id. */
export function defaultEventKey(event: unknown, context: Context | undefined): string | undefined {
  const id = (event as { id?: unknown } | null)?.id;
  if (typeof id === 'string' && id.length > 0) return id;
  return context?.awsRequestId;
}

/** The `idem` of a call that runs without a key: downstream keys are random, so nothing is deduplicated, as documented. */
export function keylessIdempotencyContext(): IdempotencyContext {
  const keys = new Map<string, string>();
  return {
    key: undefined,
    signal: new AbortController().signal,
    leaseLost: false,
    downstreamKey: (name) => keys.get(name) ?? keys.set(name, randomUUID()).get(name)!,
    write: () => {
      throw new IdempotencyWriteInvalidError(
        'idem.write needs an idempotency key: this request runs without idempotency, so there is no result to commit its writes with.',
      );
    },
  };
}
