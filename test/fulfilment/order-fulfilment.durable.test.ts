import { randomUUID } from 'node:crypto';
import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner, type TestResult } from '@aws/durable-execution-sdk-js-testing';
import type { EventBridgeEvent } from 'aws-lambda';
import { durableDispatcher } from 'lambda-idempotency/dispatcher';
import { idempotent } from 'lambda-idempotency/durable';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { fulfilOrder, type Fulfilment, type PaymentSettled, type Warehouse } from '../../lambda/fulfilment/fulfil-order';
import { FULFILMENT_OPERATION, FULFILMENT_TIMEOUT_SECONDS, PAYMENT_SETTLED } from '../../lambda/fulfilment/fulfilment-settings';
import { freshIdempotencyTable, testClient } from '../support/dynamodb';
import { startLambdaStandIn, type LambdaStandIn } from '../support/lambda-invoke-stand-in';
import { recordingLogger } from '../support/silent-logger';

// The example's second function, end to end on this machine: EventBridge's retries reach the dispatcher (the real
// handler, the real Lambda client), the Lambda stand-in starts each new execution in AWS's local durable runner, and
// the fulfilment keeps its idempotency record in DynamoDB Local and its steps in the execution's checkpoints.
const client = testClient();
let store: DynamoDbStore;
let lambda: LambdaStandIn;
let effects: { reserve: number; ship: number; notify: number };
let results: TestResult<Fulfilment>[];

const countingWarehouse: Warehouse = {
  reserve: async (_orderId, key) => `rsv_${++effects.reserve}_${key.slice(0, 8)}`,
  ship: async (_orderId, _reservationId, key) => `shp_${++effects.ship}_${key.slice(0, 8)}`,
  notify: async () => void effects.notify++,
};

beforeAll(async () => {
  store = new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client });
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
});
beforeEach(async () => {
  effects = { reserve: 0, ship: 0, notify: 0 };
  results = [];
  const fulfilment = withDurableExecution(
    idempotent(fulfilOrder(countingWarehouse), {
      store,
      operation: FULFILMENT_OPERATION,
      executionTimeoutSeconds: FULFILMENT_TIMEOUT_SECONDS,
      key: (event: PaymentSettled) => event.detail.paymentId,
      logger: recordingLogger(),
    }),
  );
  lambda = await startLambdaStandIn(async (payload) => {
    const result = await new LocalDurableTestRunner<Fulfilment>({ handlerFunction: fulfilment }).run({ payload });
    results.push(result);
  });
});
afterEach(() => lambda.stop());
afterAll(async () => {
  await LocalDurableTestRunner.teardownTestEnvironment();
  client.destroy();
});

function paymentSettled(id: string, paymentId: string): EventBridgeEvent<string, PaymentSettled['detail']> {
  return {
    version: '0',
    id,
    'detail-type': PAYMENT_SETTLED.detailType,
    source: PAYMENT_SETTLED.source,
    account: '123456789012',
    time: '2026-12-05T08:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: { paymentId, orderId: `order-${paymentId}` },
  };
}

describe('order fulfilment behind the dispatcher', () => {
  it('starts one execution for an event delivered 3 times, and fulfils the order once', async () => {
    const dispatch = durableDispatcher({
      functionName: 'fulfilment:live',
      scope: FULFILMENT_OPERATION,
      client: lambda.client,
      logger: recordingLogger(),
    });
    const event = paymentSettled(randomUUID(), `pay-${randomUUID()}`);
    for (let delivery = 0; delivery < 3; delivery++) await dispatch(event);
    await lambda.settled();
    expect(lambda.requests).toBe(3);
    expect(lambda.started).toHaveLength(1);
    expect(results.map((result) => result.getStatus())).toEqual(['SUCCEEDED']);
    expect(results[0]!.getResult()).toMatchObject({ orderId: event.detail.orderId, reservationId: expect.stringMatching(/^rsv_1_/) });
    expect(effects).toEqual({ reserve: 1, ship: 1, notify: 1 });
  });

  it('gives a second event for the same payment (another execution) the first fulfilment, and ships nothing twice', async () => {
    const dispatch = durableDispatcher({
      functionName: 'fulfilment:live',
      scope: FULFILMENT_OPERATION,
      client: lambda.client,
      logger: recordingLogger(),
    });
    const paymentId = `pay-${randomUUID()}`;
    await dispatch(paymentSettled(randomUUID(), paymentId));
    await lambda.settled();
    await dispatch(paymentSettled(randomUUID(), paymentId));
    await lambda.settled();
    expect(lambda.started).toHaveLength(2);
    expect(results.map((result) => result.getStatus())).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(results[1]!.getResult()).toEqual(results[0]!.getResult());
    expect(effects).toEqual({ reserve: 1, ship: 1, notify: 1 });
  });
});
