import type { Context } from 'aws-lambda';
import type { IdempotencyContext } from '../core/outcome';

/**
 * The Lambda context behind `idempotentMiddleware`, with `idempotency`: the handler's `idem` (its
 * scoped key and `downstreamKey(name)`). Lambda gives every invocation its own context object, so the
 * field never leaks from one invocation into another; a test that invokes a handler concurrently must
 * likewise pass one context per call.
 */
export type ContextWithIdempotency<TContext extends Context = Context> = TContext & {
  readonly idempotency: IdempotencyContext;
};

/**
 * The `idem` of this invocation, as `idempotentMiddleware` left it on the context: what the third
 * argument of an `idempotent` handler is. Throws a `TypeError` when the middleware did not run, so a
 * chain that lost its middleware fails loudly instead of calling a downstream API without its key.
 */
export function idempotencyOf(context: Context): IdempotencyContext {
  const idem = (context as Partial<ContextWithIdempotency> | undefined)?.idempotency;
  if (!idem) throw new TypeError('No idempotency on this Lambda context: add `idempotentMiddleware(options)` to the middy chain.');
  return idem;
}

/** Puts `idem` where the handler reads it: middy hands the handler `request.context` and nothing else of ours. */
export function exposeIdempotency(context: Context, idem: IdempotencyContext): void {
  (context as { idempotency?: IdempotencyContext }).idempotency = idem;
}
