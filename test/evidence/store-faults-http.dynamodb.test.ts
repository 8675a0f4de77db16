import { randomUUID } from 'node:crypto';
import { idempotentHttp, type ApiGatewayEvent, type HttpResponse } from '../../lib/idempotency';
import { DynamoDbStore } from '../../lib/idempotency/dynamodb';
import { httpEvent } from '../support/api-gateway-fixtures';
import { freshIdempotencyTable, scanAll, testClient } from '../support/dynamodb';
import { failNext, faults } from '../support/fault-injection';
import { lambdaContext } from '../support/lambda-context';
import { recordingLogger } from '../support/silent-logger';
import { until } from '../support/until';

const STORE_UNAVAILABLE = 'tag:lambda-idempotency,2026:problems/idempotency-store-unavailable';
const client = testClient();
let store: DynamoDbStore;

beforeAll(async () => {
  store = new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client });
});
afterEach(async () => {
  // Every scenario ends settled: no record is left in progress for its lease to free.
  const statuses = (await scanAll(client, store.tableName)).map((item) => item.status?.S);
  expect(statuses.filter((status) => status !== 'COMPLETED')).toEqual([]);
});
afterAll(() => client.destroy());

/** A payment-like handler: 201 once it may finish; `failFirst` makes its first run a transient 503. */
function paymentHandler({ failFirst = false } = {}) {
  const state = { runs: 0, successes: 0, release: () => undefined as void, gate: Promise.resolve() };
  const handler = idempotentHttp(
    async (_event: ApiGatewayEvent): Promise<HttpResponse> => {
      const run = ++state.runs;
      await state.gate;
      if (failFirst && run === 1) return { statusCode: 503, headers: { 'Retry-After': '1' }, body: 'gateway down' };
      state.successes++;
      return { statusCode: 201, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ payment: `pay_${run}` }) };
    },
    { store, operation: `payments-${randomUUID()}`, logger: recordingLogger() },
  );
  const hold = () => {
    state.gate = new Promise<void>((resolve) => (state.release = resolve));
  };
  return { handler, state, hold };
}

const request = (key: string) =>
  httpEvent({
    headers: [
      ['Idempotency-Key', key],
      ['Content-Type', 'application/json'],
    ],
    body: '{"amount":1000}',
  });
const replayed = (response: unknown) => (response as HttpResponse).headers?.['Idempotent-Replayed'] === 'true';

describe.each(Object.entries(faults))('a %s fault, through the HTTP layer against DynamoDB Local', (_kind, makeFault) => {
  it('at the claim: 503 problem with Retry-After, nothing ran, nothing stored; the retry runs once', async () => {
    const { handler, state } = paymentHandler();
    const key = randomUUID();
    failNext(client, 'PutItemCommand', makeFault());
    const response = (await handler(request(key), lambdaContext())) as HttpResponse;
    expect(response).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '2', 'Content-Type': 'application/problem+json' } });
    expect(JSON.parse(response.body!).type).toBe(STORE_UNAVAILABLE);
    expect(state.runs).toBe(0);
    expect(await handler(request(key), lambdaContext())).toMatchObject({ statusCode: 201 });
    expect(replayed(await handler(request(key), lambdaContext()))).toBe(true);
    expect(state.successes).toBe(1);
  });

  it('at the read of an in-flight record: the waiting duplicate gets a 503, and its retry the first response', async () => {
    const { handler, state, hold } = paymentHandler();
    const key = randomUUID();
    hold();
    const first = handler(request(key), lambdaContext());
    await until(() => state.runs === 1);
    failNext(client, 'GetItemCommand', makeFault());
    const duplicate = (await handler(request(key), lambdaContext())) as HttpResponse;
    expect(duplicate.statusCode).toBe(503);
    expect(JSON.parse(duplicate.body!).type).toBe(STORE_UNAVAILABLE);
    state.release();
    const firstResponse = (await first) as HttpResponse;
    const retry = (await handler(request(key), lambdaContext())) as HttpResponse;
    expect(replayed(retry)).toBe(true);
    expect(retry.body).toBe(firstResponse.body);
    expect(state.runs).toBe(1);
  });

  it('at completion: the caller that ran the handler gets its 201, the write is retried, and duplicates get the replay', async () => {
    const { handler, state } = paymentHandler();
    const key = randomUUID();
    failNext(client, 'UpdateItemCommand', makeFault());
    const first = (await handler(request(key), lambdaContext())) as HttpResponse;
    expect(first.statusCode).toBe(201);
    const duplicate = (await handler(request(key), lambdaContext())) as HttpResponse;
    expect(replayed(duplicate)).toBe(true);
    expect(duplicate.body).toBe(first.body);
    expect(state.runs).toBe(1);
  });

  it("at release: the handler's own 503 reaches the caller, the release is retried, and the retry runs at once (no 409)", async () => {
    const { handler, state } = paymentHandler({ failFirst: true });
    const key = randomUUID();
    failNext(client, 'DeleteItemCommand', makeFault());
    expect(await handler(request(key), lambdaContext())).toMatchObject({ statusCode: 503, body: 'gateway down' });
    const retry = await handler(request(key), lambdaContext());
    expect(retry).toMatchObject({ statusCode: 201 });
    expect(replayed(retry)).toBe(false);
    expect(replayed(await handler(request(key), lambdaContext()))).toBe(true);
    expect(state.successes).toBe(1);
  });
});
