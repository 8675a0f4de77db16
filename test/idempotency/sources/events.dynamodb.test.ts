import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { ErrorCode, idempotent } from '../../../lib/idempotency';
import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';

const client = testClient();
let store: DynamoDbStore;
beforeAll(async () => {
  store = new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client });
});
afterAll(() => client.destroy());

type OrderPlaced = EventBridgeEvent<'OrderPlaced', { orderId: string; total: number }>;

function orderPlaced(detail: OrderPlaced['detail'], id = randomUUID()): OrderPlaced {
  return {
    version: '0',
    id,
    'detail-type': 'OrderPlaced',
    source: 'com.example.orders',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

describe('EventBridge and asynchronous invocations, with no key option', () => {
  it('keys an EventBridge event on its id: a second delivery runs nothing and returns the stored result', async () => {
    let runs = 0;
    const handler = idempotent(async (event: OrderPlaced) => ({ shipped: event.detail.orderId, run: ++runs }), {
      store,
      operation: `ship-${randomUUID()}`,
      logger: recordingLogger(),
    });
    const event = orderPlaced({ orderId: 'o-1', total: 10 });
    const first = await handler(event, lambdaContext());
    const redelivered = await handler(structuredClone(event), lambdaContext());
    expect(redelivered).toEqual(first);
    expect(runs).toBe(1);
    await handler(orderPlaced({ orderId: 'o-1', total: 10 }), lambdaContext()); // another event id: another event
    expect(runs).toBe(2);
  });

  it('keys an event without an id on the request id, which Lambda keeps when it retries an asynchronous invocation', async () => {
    let runs = 0;
    const handler = idempotent(
      async (event: { orderId: string }) => {
        runs++;
        if (runs === 1) throw new Error('first attempt fails: Lambda retries the async invocation');
        return `shipped ${event.orderId}`;
      },
      { store, operation: `async-${randomUUID()}`, logger: recordingLogger() },
    );
    const context = lambdaContext();
    const retryContext = { ...lambdaContext(), awsRequestId: context.awsRequestId };
    await expect(handler({ orderId: 'o-2' }, context)).rejects.toThrow('first attempt fails');
    await expect(handler({ orderId: 'o-2' }, retryContext)).resolves.toBe('shipped o-2');
    await expect(handler({ orderId: 'o-2' }, { ...retryContext })).resolves.toBe('shipped o-2');
    expect(runs).toBe(2);
  });

  it('refuses a redelivered event id with another detail when the detail is fingerprinted', async () => {
    const handler = idempotent(async (event: OrderPlaced) => event.detail.total, {
      store,
      operation: `fp-${randomUUID()}`,
      fingerprint: (event) => event.detail,
      logger: recordingLogger(),
    });
    const id = randomUUID();
    await handler(orderPlaced({ orderId: 'o-3', total: 10 }, id), lambdaContext());
    await expect(handler(orderPlaced({ orderId: 'o-3', total: 11 }, id), lambdaContext())).rejects.toMatchObject({
      code: ErrorCode.payloadMismatch,
    });
  });
});
