import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { MiddlewareObj, Request } from '@middy/core';
import type { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import type { IdempotentMiddlewareOptions } from '../../../lib/idempotency/middy/idempotent-middleware';
import { recordingLogger } from '../../support/silent-logger';

/** An event of any source, with its key and payload where the tests put them. */
export interface OrderEvent {
  key?: string;
  id?: string;
  order?: Record<string, unknown>;
}

/** Options on a fresh operation, so tests never share keys; warnings recorded, metrics off. */
export function middlewareOptions<TEvent = OrderEvent>(
  store: DynamoDbStore,
  overrides: Partial<IdempotentMiddlewareOptions<TEvent>> = {},
): IdempotentMiddlewareOptions<TEvent> {
  return {
    store,
    operation: `op-${randomUUID()}`,
    key: (event) => (event as OrderEvent).key,
    logger: recordingLogger(),
    metrics: false,
    ...overrides,
  };
}

/** A middy handler that counts its runs and answers with what `produce` makes of the event, context and run. */
export function countingHandler<TEvent, R>(produce: (event: TEvent, context: Context, run: number) => R | Promise<R>) {
  const handler = async (event: TEvent, context: Context): Promise<R> => {
    handler.runs++;
    return produce(event, context, handler.runs);
  };
  handler.runs = 0;
  return handler;
}

/** A middleware that only counts its phases, to see which of them middy ran. */
export function spyMiddleware(): MiddlewareObj & { calls: { before: number; after: number; onError: number } } {
  const calls = { before: 0, after: 0, onError: 0 };
  return {
    calls,
    before: async () => void calls.before++,
    after: async () => void calls.after++,
    onError: async () => void calls.onError++,
  };
}

/** A tiny JSON body parser, as `@middy/http-json-body-parser` does: `event.body` becomes the parsed object. */
export function jsonBodyParser(): MiddlewareObj<{ body: unknown }> {
  return {
    before: async (request: Request<{ body: unknown }>) => {
      if (typeof request.event.body === 'string') request.event.body = JSON.parse(request.event.body);
    },
  };
}

/** A tiny response serializer: the handler's object becomes an HTTP response with a JSON body. */
export function jsonSerializer(): MiddlewareObj & { runs: number } {
  const middleware = {
    runs: 0,
    after: async (request: Request) => {
      middleware.runs++;
      request.response = { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.response) };
    },
  };
  return middleware;
}

/** A tiny error handler, as `@middy/http-error-handler` does: an error becomes a 500 response. */
export function errorResponder(): MiddlewareObj {
  return {
    onError: async (request: Request) => {
      request.response = { statusCode: 500, body: JSON.stringify({ message: (request.error as Error).message }) };
    },
  };
}
