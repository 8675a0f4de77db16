import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { IdempotencyKeyInvalidError, IdempotencyKeyMissingError, IdempotencyWriteInvalidError } from '../errors';
import { DEFAULTS } from './defaults';
import { assertValidKey } from './key-rules';
import type { IdempotencyContext } from './outcome';
import { fingerprintOf } from './scoped-key';
import { assertFunction, assertOneOf } from './validate';
import { uniqueStepNames, type StepFunction } from './steps/step-function';

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

/** What an adapter reads from an event whose options name no key (and, for the fingerprint, no key and no fingerprint). */
export interface EventKeyDefaults<TEvent, TContext> {
  readonly key: (event: TEvent, context: TContext) => string | undefined;
  readonly fingerprint?: (event: TEvent) => unknown;
}

/**
 * Validates the event-facing options and returns a reader: the event's key, scope and fingerprint;
 * `undefined` for a keyless event that may run unprotected; `IdempotencyKeyMissingError` /
 * `IdempotencyKeyInvalidError` otherwise. One reader, one rule, for every adapter that reads events.
 */
export function eventKeyReader<TEvent, TContext = Context>(
  options: EventKeyOptions<TEvent, TContext>,
  defaults: EventKeyDefaults<TEvent, TContext>,
): (event: TEvent, context: TContext) => EventKey | undefined {
  assertFunction('key', options.key, true);
  assertFunction('scope', options.scope, true);
  assertFunction('fingerprint', options.fingerprint, true);
  const keyOf = options.key ?? defaults.key;
  // A default key is a guess (several events of one invocation share its request id): only an equal event may replay.
  const fingerprintOfEvent = options.fingerprint ?? (options.key ? undefined : defaults.fingerprint);
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
      fingerprint: fingerprintOfEvent ? fingerprintOf(fingerprintOfEvent(event)) : undefined,
    };
  };
}

/**
 * The default key and fingerprint of `idempotent` and the middy middleware. EventBridge and CloudEvents carry an
 * `id` (a number counts as its decimal string); otherwise a retried asynchronous invocation keeps its request id,
 * which every event handled in one invocation shares, so the whole event is the fingerprint: a redelivery (the
 * same event) replays, another event under the same key is refused as a payload mismatch, never handed this one's result.
 */
export const DEFAULT_EVENT_KEY: EventKeyDefaults<unknown, Context | undefined> = /* @__PURE__ */ Object.freeze({
  key(event: unknown, context: Context | undefined): string | undefined {
    const id = (event as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && id.length > 0) return id;
    if (typeof id === 'number' && Number.isFinite(id)) return String(id);
    return context?.awsRequestId;
  },
  fingerprint: (event: unknown) => event,
});

/** Steps that only run: names unique, nothing stored. */
export function plainSteps(): StepFunction {
  const checkName = uniqueStepNames();
  return (name, fn) => {
    checkName(name);
    return fn();
  };
}

/**
 * The `idem` of a call that runs without a key: downstream keys are random, so nothing is deduplicated, as documented.
 * Without a key there is nothing to store a step under: each step simply runs (names are still checked), unless the
 * caller brings its own `step` (the durable SDK's).
 */
export function keylessIdempotencyContext(step: StepFunction = plainSteps()): IdempotencyContext {
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
    step,
  };
}
