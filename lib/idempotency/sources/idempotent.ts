import type { Context } from 'aws-lambda';
import { IdempotencyEngine } from '../core/engine';
import { DEFAULT_EVENT_KEY, eventKeyReader, keylessIdempotencyContext } from '../core/event-key';
import { EVENT_OPTION_KEYS, type IdempotentOptions } from '../core/event-options';
import { resolveEngineOptions } from '../core/options';
import { noteKeySpace } from '../core/shared-key-space';
import type { IdempotencyContext } from '../core/outcome';
import { refusalError } from '../core/refusal-error';
import { assertFunction } from '../core/validate';
import { isDurableContext } from '../core/durable-context';

export type { IdempotentOptions };

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
