import { IdempotencyEngine, type Invocation } from '../core/engine';
import { DEFAULT_EVENT_KEY, eventKeyReader, keylessIdempotencyContext } from '../core/event-key';
import { resolveEngineOptions } from '../core/options';
import { noteKeySpace } from '../core/shared-key-space';
import type { Claim } from '../core/outcome';
import { refusalError } from '../core/refusal-error';
import { MetricName } from '../core/telemetry';
import { EVENT_OPTION_KEYS, type IdempotentOptions } from '../core/event-options';
import { exposeIdempotency } from './context-idempotency';
import { endEarly } from './early-response';
import type { MiddyMiddleware, MiddyRequest } from './middy-request';

/**
 * Options of `idempotentMiddleware`: the same as `idempotent`'s (`store`, `key`, `scope`,
 * `fingerprint`, `missingKey` and the engine options), with the same defaults.
 */
export type IdempotentMiddlewareOptions<TEvent> = IdempotentOptions<TEvent>;

/** A key this invocation holds, from `before` until `after` or `onError` settles it. */
interface Held {
  readonly claim: Claim;
  readonly invocation: Invocation;
}

/**
 * A middy middleware (`@middy/core` 4 to 7) that runs the rest of the chain once per key, as
 * `idempotent` does for a plain handler: `before` claims the key or ends the chain early with the
 * stored result, `after` stores `request.response` (`undefined` included), `onError` releases the key
 * and lets the error go on unchanged. The handler reads its `idem` with `idempotencyOf(context)`.
 *
 * Order in `.use()`: after the middlewares its `key`, `scope` and `fingerprint` read from (a body
 * parser) and after error handlers (their `onError` then runs after ours has released the key); before
 * every middleware with an `after` (a serializer), because a replay skips all `after` middlewares, so
 * the stored response must be the finished one. Whatever ends the chain early once the key is claimed
 * (a later `before`, or an `after`/`onError` used after ours, that returns a value) skips our `after`
 * and `onError`: the key then stays in progress until its lease ends. So middlewares that answer early
 * (warmup) go before it too. Options are validated here, at cold start.
 */
export function idempotentMiddleware<TEvent>(options: IdempotentMiddlewareOptions<TEvent>): MiddyMiddleware<TEvent> {
  const engineOptions = resolveEngineOptions(options, 'idempotentMiddleware', EVENT_OPTION_KEYS);
  noteKeySpace(engineOptions, 'idempotentMiddleware');
  const engine = new IdempotencyEngine(engineOptions);
  const readKey = eventKeyReader(options, DEFAULT_EVENT_KEY);

  // Keyed on middy's request object, which is new for every invocation and the same in all three
  // phases: concurrent invocations in one container never see each other's claim.
  const held = new WeakMap<object, Held>();

  /** Takes the claim off the request, so that it is settled exactly once. */
  const take = (request: object): Held | undefined => {
    const found = held.get(request);
    held.delete(request);
    return found;
  };

  const idempotentMiddlewareBefore = async (request: MiddyRequest<TEvent>): Promise<unknown> => {
    const { event, context } = request;
    const eventKey = readKey(event, context);
    if (!eventKey) {
      exposeIdempotency(context, keylessIdempotencyContext());
      return undefined;
    }

    const invocation = engine.start(context);
    let claimed = false;
    try {
      const begun = await invocation.begin(eventKey);
      if (begun.kind === 'replayed') return endEarly(request, begun.result);
      if (begun.kind !== 'claimed') throw refusalError(begun);
      held.set(request, { claim: begun.claim, invocation });
      claimed = true;
      exposeIdempotency(context, begun.claim.idem);
      return undefined;
    } finally {
      // A replay or a refusal (mismatch, in progress, store failure) ends the invocation here.
      if (!claimed) invocation.flush();
    }
  };

  const idempotentMiddlewareAfter = async (request: MiddyRequest<TEvent>): Promise<void> => {
    const holding = take(request);
    if (!holding) return; // no key, and missingKey: 'run-without-idempotency'
    try {
      const settled = await holding.claim.complete(request.response); // `undefined` too: it is stored and replayed as such
      if (settled.kind !== 'completed') throw refusalError(settled);
    } finally {
      holding.invocation.flush();
    }
  };

  const idempotentMiddlewareOnError = async (request: MiddyRequest<TEvent>): Promise<void> => {
    // Nothing held when our own `before` refused the request, or when our `after` has already
    // stored the response and an outer `after` failed.
    const holding = take(request);
    if (!holding) return;
    try {
      holding.invocation.telemetry.record(MetricName.handlerErrors, 'debug', 'The handler or a middleware threw.', {
        idempotencyKey: holding.claim.idem.key,
      });
      await holding.claim.release('the handler or a middleware threw');
    } finally {
      holding.invocation.flush();
    }
    // Returns nothing: the error goes on to the next onError middleware, or to Lambda, unchanged.
  };

  return { before: idempotentMiddlewareBefore, after: idempotentMiddlewareAfter, onError: idempotentMiddlewareOnError };
}
