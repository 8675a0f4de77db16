import { IdempotencyEngine, type Invocation } from '../core/engine';
import { linkedInvocation } from '../core/invocation-link';
import type { InvocationClock } from '../core/lease';
import { resolveEngineOptions, type EngineOptions } from '../core/options';
import type { IdempotencyContext, Outcome } from '../core/outcome';
import { refusalError } from '../core/refusal-error';
import { fingerprintOf } from '../core/scoped-key';
import { noteKeySpace } from '../core/shared-key-space';
import { assertFunction, refuseOption } from '../core/validate';
import { functionKey } from './function-key';

/** Options of `idempotentFunction`: how a call names its key, and the engine's options. */
export interface IdempotentFunctionOptions<TArgs extends readonly unknown[]> extends EngineOptions {
  /**
   * The call's idempotency key, from its arguments: a string, or several (`(url, payload) => [url, payload.orderId]`),
   * each 1 to 255 characters without control characters. The members are canonicalised (a string is a key of one
   * member) and hashed, so a composite key is never confused with another.
   */
  readonly key: (...args: TArgs) => string | readonly string[];
  /**
   * The part of the arguments that must be equal for a call to be replayed (hashed as canonical JSON). A key reused
   * with another fingerprint raises `IdempotencyPayloadMismatchError` and nothing runs.
   * @default no payload check: equal keys replay
   */
  readonly fingerprint?: (...args: TArgs) => unknown;
  /**
   * The caller the key belongs to (a tenant); keys of two scopes never meet.
   * @default no scope
   */
  readonly scope?: (...args: TArgs) => string | undefined;
}

/** A call, and what became of it: run now, or its stored result replayed (with the record's times). */
export type FunctionCallOutcome<TResult> =
  | { readonly replayed: false; readonly result: TResult }
  | {
      readonly replayed: true;
      readonly result: TResult;
      /** When the first call claimed the key: the replay's age is `Date.now() - createdAt`. */
      readonly createdAt: Date;
      /** When the key expires: a call after it runs again. */
      readonly expiresAt: Date;
    };

/** What `idempotentFunction` returns: the function, made idempotent, and two ways to call it. */
export interface IdempotentFunction<TArgs extends readonly unknown[], TResult> {
  (...args: TArgs): Promise<TResult>;
  /** The call, with whether it ran or was replayed, and the replayed record's age and expiry. */
  detailed(...args: TArgs): Promise<FunctionCallOutcome<TResult>>;
  /**
   * The function inside a handler's invocation. Given the handler's `idem` (from `idempotent`, `idempotentHttp`…),
   * it shares that invocation: its remaining time bounds leases and waits, and its logs and counts join the
   * handler's single metrics line. Given the Lambda `context`, it shares the remaining time.
   */
  within(invocation: IdempotencyContext | InvocationClock): IdempotentFunction<TArgs, TResult>;
}

/** The options `idempotentFunction` reads besides the engine's. */
export const FUNCTION_OPTION_KEYS: readonly string[] = Object.freeze(['key', 'fingerprint', 'scope']);

/**
 * Makes any async function idempotent, keyed by its arguments: concurrent and repeated calls with one key run it
 * once and get its result. It needs no Lambda: in a plain Node process a call holds its key for one lease slice
 * (`leaseSliceMs`, 60 s by default), renewed while it runs on a store that renews.
 * Refusals throw as `idempotent`'s do (`IdempotencyInProgressError`, `IdempotencyPayloadMismatchError`, …).
 */
export function idempotentFunction<TArgs extends readonly unknown[], TResult>(
  fn: (...args: TArgs) => Promise<TResult>,
  options: IdempotentFunctionOptions<TArgs>,
): IdempotentFunction<TArgs, TResult> {
  assertFunction('fn', fn, false);
  const engineOptions = resolveEngineOptions(options, 'idempotentFunction', FUNCTION_OPTION_KEYS);
  assertFunction('key', options.key, false);
  assertFunction('fingerprint', options.fingerprint, true);
  assertFunction('scope', options.scope, true);
  noteKeySpace(engineOptions, 'idempotentFunction');
  const engine = new IdempotencyEngine(engineOptions);

  const outcomeOf = async (start: () => { invocation: Invocation; owned: boolean }, args: TArgs): Promise<Outcome<TResult>> => {
    const key = functionKey(options.key(...args)); // before anything is claimed: a bad key runs nothing
    const request = {
      key,
      scope: options.scope?.(...args),
      fingerprint: options.fingerprint ? fingerprintOf(options.fingerprint(...args)) : undefined,
    };
    const { invocation, owned } = start();
    try {
      return await invocation.execute<TResult>({ ...request, run: () => fn(...args) });
    } finally {
      if (owned) invocation.flush();
    }
  };

  const bind = (start: () => { invocation: Invocation; owned: boolean }): IdempotentFunction<TArgs, TResult> => {
    const detailed = async (...args: TArgs): Promise<FunctionCallOutcome<TResult>> => {
      const outcome = await outcomeOf(start, args);
      if (outcome.kind === 'ran') return { replayed: false, result: outcome.result };
      if (outcome.kind === 'replayed') {
        return { replayed: true, result: outcome.result, createdAt: new Date(outcome.createdAt), expiresAt: new Date(outcome.expiresAt) };
      }
      throw refusalError(outcome);
    };
    const call = async (...args: TArgs) => (await detailed(...args)).result;
    return Object.assign(call, { detailed, within: (invocation: IdempotencyContext | InvocationClock) => bind(starter(invocation)) });
  };

  const starter = (given: IdempotencyContext | InvocationClock): (() => { invocation: Invocation; owned: boolean }) => {
    const linked = typeof given === 'object' && given !== null && 'downstreamKey' in given ? linkedInvocation(given) : undefined;
    if (linked) return () => ({ invocation: engine.start(linked.clock, linked.telemetry), owned: false });
    if (typeof given === 'object' && given !== null && ('getRemainingTimeInMillis' in given || 'downstreamKey' in given)) {
      // A Lambda context shares its remaining time; an `idem` of a call that runs without a key shares nothing.
      const clock = 'getRemainingTimeInMillis' in given ? (given as InvocationClock) : undefined;
      return () => ({ invocation: engine.start(clock), owned: true });
    }
    refuseOption('within', `be given the handler's \`idem\` or the Lambda context`, given);
  };

  return bind(() => ({ invocation: engine.start(), owned: true }));
}
