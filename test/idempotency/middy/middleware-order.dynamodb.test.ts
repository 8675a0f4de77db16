import middy from '@middy/core';
import { ErrorCode } from '../../../lib/idempotency';
import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { idempotencyOf } from '../../../lib/idempotency/middy/context-idempotency';
import { idempotentMiddleware } from '../../../lib/idempotency/middy/idempotent-middleware';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';
import { lambdaContext } from '../../support/lambda-context';
import {
  countingHandler,
  errorResponder,
  jsonBodyParser,
  jsonSerializer,
  middlewareOptions,
  spyMiddleware,
  type OrderEvent,
} from './fixtures';

const client = testClient();
let store: DynamoDbStore;

beforeAll(async () => {
  store = new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client });
});
afterAll(() => client.destroy());

describe('a replay ends the chain in `before`', () => {
  it.each([
    ['a value', { paid: true }],
    ['undefined', undefined],
  ])('skips the handler, later before middlewares and every after middleware when replaying %s', async (_name, value) => {
    const outer = spyMiddleware();
    const inner = spyMiddleware();
    const handler = countingHandler(() => value);
    const wrapped = middy<OrderEvent, unknown>(handler)
      .use(outer)
      .use(idempotentMiddleware(middlewareOptions(store)))
      .use(inner);

    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toEqual(value);
    expect([outer.calls, inner.calls, handler.runs]).toEqual([{ before: 1, after: 1, onError: 0 }, { before: 1, after: 1, onError: 0 }, 1]);

    const replayed = await wrapped({ key: 'k' }, lambdaContext());
    expect(replayed).toStrictEqual(value); // undefined stays undefined, not null
    expect(outer.calls).toEqual({ before: 2, after: 1, onError: 0 });
    expect(inner.calls).toEqual({ before: 1, after: 1, onError: 0 });
    expect(handler.runs).toBe(1);
  });
});

describe('with other middlewares, in the documented order', () => {
  interface HttpEvent {
    body: unknown;
  }
  interface Order {
    orderId: string;
    amount: number;
  }

  /** body parser, then ours, then the serializer: the order docs/event-sources.md gives. */
  function orderApi() {
    const serializer = jsonSerializer();
    const handler = countingHandler(async (event: HttpEvent, context) => {
      const order = event.body as Order;
      return { charged: order.amount, chargeKey: idempotencyOf(context).downstreamKey('charge') };
    });
    const options = middlewareOptions<HttpEvent>(store, {
      key: (event) => (event.body as Order).orderId,
      fingerprint: (event) => event.body,
    });
    const wrapped = middy<HttpEvent, unknown>(handler).use(jsonBodyParser()).use(idempotentMiddleware(options)).use(serializer);
    return { wrapped, handler, serializer };
  }

  it('reads key and fingerprint from the parsed body, and replays the response the serializer made', async () => {
    const { wrapped, handler, serializer } = orderApi();
    const first = await wrapped({ body: '{"orderId":"o-1","amount":1000}' }, lambdaContext());
    expect(first).toMatchObject({ statusCode: 200, body: expect.stringContaining('"charged":1000') });

    // The same JSON, spaced and ordered differently: the same request, replayed as the serializer left it.
    const again = await wrapped({ body: '{ "amount": 1000,\n  "orderId": "o-1" }' }, lambdaContext());
    expect(again).toEqual(first);
    expect([handler.runs, serializer.runs]).toEqual([1, 1]);

    await expect(wrapped({ body: '{"orderId":"o-1","amount":5}' }, lambdaContext())).rejects.toMatchObject({
      code: ErrorCode.payloadMismatch,
    });
    expect(handler.runs).toBe(1);
  });

  it("releases the key when an error handler before it turns the handler's error into a response", async () => {
    const handler = countingHandler((_event: OrderEvent, _context, run) => {
      if (run === 1) throw new Error('gateway down');
      return 'charged';
    });
    const wrapped = middy<OrderEvent, unknown>(handler)
      .use(errorResponder())
      .use(idempotentMiddleware(middlewareOptions(store)));
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toEqual({ statusCode: 500, body: '{"message":"gateway down"}' });
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toBe('charged');
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toBe('charged');
    expect(handler.runs).toBe(2);
  });

  it('lets an error handler before it answer for its own refusals (a missing key), with nothing run', async () => {
    const handler = countingHandler(() => 'charged');
    const wrapped = middy<OrderEvent, unknown>(handler)
      .use(errorResponder())
      .use(idempotentMiddleware(middlewareOptions(store)));
    await expect(wrapped({}, lambdaContext())).resolves.toEqual({ statusCode: 500, body: expect.stringContaining('no idempotency key') });
    expect(handler.runs).toBe(0);
  });
});
