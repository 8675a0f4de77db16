import type { Context } from 'aws-lambda';

/**
 * The parts of a middy request the middleware reads and writes, declared here so that the runtime
 * library never imports `@middy/core`. middy 4, 5, 6 and 7 pass the same object to `before`, `after`
 * and `onError` of one invocation, with these fields (and `internal`, which is not used: in middy 4 to 6
 * it is shared by every invocation when the `internal` plugin option is set).
 */
export interface MiddyRequest<TEvent = unknown> {
  /** The event, as the `before` middlewares used ahead of ours left it (parsed, say). */
  readonly event: TEvent;
  /** Lambda's context, new for every invocation: where the handler finds `idempotency`. */
  readonly context: Context;
  /** The handler's response, as the `after` middlewares used after ours left it. */
  readonly response?: unknown;
  /** What the handler or a middleware threw, in `onError`. */
  readonly error?: unknown;
}

/**
 * A middy middleware object: structurally what `.use()` takes in `@middy/core` 4 to 7.
 * The function names show up in middy's timing plugins.
 */
export interface MiddyMiddleware<TEvent = unknown> {
  readonly before: (request: MiddyRequest<TEvent>) => Promise<unknown>;
  readonly after: (request: MiddyRequest<TEvent>) => Promise<void>;
  readonly onError: (request: MiddyRequest<TEvent>) => Promise<void>;
}
