import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { IdempotencyKeyInvalidError, IdempotencyKeyMissingError } from '../errors';
import { IdempotencyEngine, type IdempotencyContext } from './engine';
import { assertFunction, assertOneOf, resolveEngineOptions, type EngineOptions } from './options';
import { assertValidKey, fingerprintOf } from './scoped-key';

/** What to do with an event that has no key. */
export type MissingKeyPolicy = 'reject' | 'run-without-idempotency';

/** Options of `idempotent`. */
export interface IdempotentOptions<TEvent> extends EngineOptions {
  /**
   * The idempotency key of an event, or `undefined` when it has none.
   * @default the event's `id` (EventBridge, CloudEvents), else `context.awsRequestId`, which Lambda's
   * own retries of an asynchronous invocation keep
   */
  readonly key?: (event: TEvent, context: Context) => string | undefined;
  /**
   * The caller the key belongs to (a tenant, a principal); keys of two scopes never meet.
   * @default no scope: keys are shared by all callers of the operation
   */
  readonly scope?: (event: TEvent, context: Context | undefined) => string | undefined;
  /**
   * The part of the event that must be equal for a duplicate to be replayed (hashed as canonical JSON).
   * A key reused with a different fingerprint raises `IdempotencyPayloadMismatchError` and nothing runs.
   * @default no payload check
   */
  readonly fingerprint?: (event: TEvent) => unknown;
  /**
   * An event without a key: `'reject'` throws `IdempotencyKeyMissingError`; `'run-without-idempotency'`
   * runs the handler with no protection at all (`idem.key` is `undefined`).
   * @default 'reject'
   */
  readonly missingKey?: MissingKeyPolicy;
}

/** A handler to make idempotent: a Lambda handler with a third argument. */
export type IdempotentHandler<TEvent, TResult> = (
  event: TEvent,
  context: Context,
  idem: IdempotencyContext,
) => Promise<TResult>;

/**
 * Wraps a Lambda handler so that it runs once per key: duplicates get the first result back.
 * Options are validated here, so a bad option fails at cold start, not at the first request.
 */
export function idempotent<TEvent, TResult>(
  handler: IdempotentHandler<TEvent, TResult>,
  options: IdempotentOptions<TEvent>,
): (event: TEvent, context: Context) => Promise<TResult> {
  assertFunction('handler', handler, false);
  const engine = new IdempotencyEngine(resolveEngineOptions(options));
  const readKey = eventKeyReader(options);

  return async (event, context) => {
    const request = readKey(event, context);
    if (!request) return handler(event, context, unprotected());
    const telemetry = engine.telemetry();
    try {
      const { result } = await engine.execute({ ...request, context, telemetry, run: (idem) => handler(event, context, idem) });
      return result;
    } finally {
      telemetry.flush();
    }
  };
}

/** Key, scope and fingerprint of one event, ready for the engine. */
export interface EventKey {
  readonly key: string;
  readonly scope?: string | undefined;
  readonly fingerprint?: string | undefined;
}

/**
 * Validates the event-facing options of `idempotent` (shared with the middy middleware) and returns
 * a reader: the event's key, scope and fingerprint; `undefined` for a keyless event that may run
 * unprotected; `IdempotencyKeyMissingError` / `IdempotencyKeyInvalidError` otherwise.
 */
export function eventKeyReader<TEvent>(
  options: Pick<IdempotentOptions<TEvent>, 'key' | 'scope' | 'fingerprint' | 'missingKey'>,
): (event: TEvent, context: Context) => EventKey | undefined {
  assertFunction('key', options.key, true);
  assertFunction('scope', options.scope, true);
  assertFunction('fingerprint', options.fingerprint, true);
  const keyOf = options.key ?? defaultEventKey;
  const missingKey = options.missingKey ?? 'reject';
  assertOneOf('missingKey', missingKey, ['reject', 'run-without-idempotency'] as const);
  return (event, context) => {
    const key = keyOf(event, context);
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

/** For a call without a key: downstream keys are random, so nothing is deduplicated, as documented. */
export function unprotected(): IdempotencyContext {
  const keys = new Map<string, string>();
  return {
    key: undefined,
    downstreamKey: (name) => keys.get(name) ?? keys.set(name, randomUUID()).get(name)!,
  };
}
