import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { idempotentHttp, type ApiGatewayEvent, type HttpResponse } from '../../lib/idempotency';
import { DynamoDbStore } from '../../lib/idempotency/dynamodb';
import { LOCAL_CLIENT_CONFIG } from '../../lib/local/dynamodb-local';
import { httpEvent } from '../support/api-gateway-fixtures';
import { freshIdempotencyTable, localEndpoint, scanAll, testClient } from '../support/dynamodb';
import { startFaultProxy, type DynamoDbOperation, type Fault, type FaultProxy } from '../support/fault-proxy';
import { lambdaContext } from '../support/lambda-context';
import { until } from '../support/until';

/**
 * Faults on the wire, between the real SDK (its retries at their defaults) and DynamoDB Local: the answer
 * lost after the write landed, a reset before it was sent, an answer held past the client's timeout, an outage.
 */

const REQUEST_TIMEOUT_MS = 400;
const STORE_UNAVAILABLE = 'tag:lambda-idempotency,2026:problems/idempotency-store-unavailable';
const direct = testClient();
let proxy: FaultProxy;
let tableName: string;

beforeAll(async () => {
  proxy = await startFaultProxy(localEndpoint());
});
beforeEach(async () => {
  tableName = await freshIdempotencyTable(direct); // one table per test: what it holds afterwards is this test's alone
});
afterAll(async () => {
  await proxy.close();
  direct.destroy();
});

const clients: DynamoDBClient[] = [];
afterEach(() => {
  proxy.restore();
  for (const client of clients.splice(0)) client.destroy();
});

/** A client through the proxy, as a function would configure one: a request timeout that throws. */
function proxiedClient(): DynamoDBClient {
  const client = new DynamoDBClient({
    ...LOCAL_CLIENT_CONFIG,
    endpoint: proxy.endpoint,
    requestHandler: new NodeHttpHandler({ requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true }),
  });
  clients.push(client);
  return client;
}

function logger() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** An HTTP payment handler through the proxy; `outcome` decides what its runs answer. */
function paymentFunction(options: { outcome?: (run: number) => HttpResponse; inFlightWaitMs?: number } = {}) {
  const state = { runs: 0, gate: Promise.resolve(), open: () => undefined as void };
  const metrics: Record<string, number>[] = [];
  const log = logger();
  const handler = idempotentHttp(
    async (_event: ApiGatewayEvent): Promise<HttpResponse> => {
      const run = ++state.runs;
      await state.gate;
      return (
        options.outcome?.(run) ?? {
          statusCode: 201,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ payment: `pay_${run}` }),
        }
      );
    },
    {
      store: new DynamoDbStore({ tableName, client: proxiedClient() }),
      operation: 'payments',
      inFlightWaitMs: options.inFlightWaitMs ?? 3_000,
      localCache: true,
      logger: log.logger,
      metrics: { emit: (line) => void metrics.push(JSON.parse(line) as Record<string, number>) },
    },
  );
  const hold = () => {
    state.gate = new Promise<void>((resolve) => (state.open = resolve));
  };
  const metric = (name: string) => metrics.reduce((sum, line) => sum + (line[name] ?? 0), 0);
  return { handler, state, hold, metric, log };
}

const request = (key: string) =>
  httpEvent({
    headers: [
      ['Idempotency-Key', key],
      ['Content-Type', 'application/json'],
    ],
    body: '{"amount":1000}',
  });
const isReplay = (response: HttpResponse) => response.headers?.['Idempotent-Replayed'] === 'true';
const problemType = (response: HttpResponse) => (JSON.parse(response.body ?? '{}') as { type?: string }).type;

const faultKinds: Record<string, Fault> = {
  'lost response': { kind: 'lost-response' },
  'reset before': { kind: 'reset-before' },
  'delay past the request timeout': { kind: 'delay', ms: REQUEST_TIMEOUT_MS * 3 },
  // Longer than the SDK's own retries (3 attempts, jittered backoff), shorter than the engine's settle retries.
  outage: { kind: 'outage', ms: 1_000 },
};

async function arm(operation: DynamoDbOperation, fault: Fault) {
  return proxy.inject({ operation, fault });
}

describe.each(Object.entries(faultKinds))('%s', (_name, fault) => {
  it('at the claim: the handler runs at most once and the key is never locked by its own claim', async () => {
    const fn = paymentFunction();
    const key = randomUUID();
    const applied = arm('PutItem', fault);
    const first = (await fn.handler(request(key), lambdaContext())) as HttpResponse;
    await applied;
    if (fault.kind === 'outage') {
      // Every attempt was reset before it reached DynamoDB: nothing ran, nothing is stored, the retry runs once.
      expect(first.statusCode).toBe(503);
      expect(first.headers?.['Retry-After']).toBe('2');
      expect(problemType(first)).toBe(STORE_UNAVAILABLE);
      expect(fn.state.runs).toBe(0);
      expect(await records()).toEqual([]);
      proxy.restore();
      expect(await fn.handler(request(key), lambdaContext())).toMatchObject({ statusCode: 201 });
    } else {
      expect(first.statusCode).toBe(201);
      expect(isReplay(first)).toBe(false);
    }
    expect(fn.state.runs).toBe(1);
    expect(await records()).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);
    const duplicate = (await paymentFunction().handler(request(key), lambdaContext())) as HttpResponse;
    expect(isReplay(duplicate)).toBe(true);
    expect(fn.metric('FencingRejections') + fn.metric('LeaseTakeovers')).toBe(0);
  });

  it('at completion: the caller gets its 201, the record completes, and no false fencing alarm is raised', async () => {
    const fn = paymentFunction();
    const key = randomUUID();
    const applied = arm('UpdateItem', fault);
    const first = (await fn.handler(request(key), lambdaContext())) as HttpResponse;
    await applied;
    expect(first.statusCode).toBe(201);
    expect(fn.state.runs).toBe(1);
    expect(await records()).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);
    expect(fn.metric('FencingRejections')).toBe(0);
    expect(fn.log.lines.filter((line) => line.level === 'warn')).toEqual([]);
    // The warm container's cache was filled: the replay costs no call through the proxy.
    const before = { ...proxy.seen };
    const replay = (await fn.handler(request(key), lambdaContext())) as HttpResponse;
    expect(isReplay(replay)).toBe(true);
    expect(replay.body).toBe(first.body);
    expect(proxy.seen).toEqual(before);
  });

  it("at release: the handler's own 503 reaches the caller, nothing is left locked, and the retry runs at once", async () => {
    const fn = paymentFunction({
      outcome: (run) =>
        run === 1 ? { statusCode: 503, headers: { 'Retry-After': '1' }, body: 'gateway down' } : { statusCode: 201, body: `pay_${run}` },
    });
    const key = randomUUID();
    const applied = arm('DeleteItem', fault);
    expect(await fn.handler(request(key), lambdaContext())).toMatchObject({ statusCode: 503, body: 'gateway down' });
    await applied;
    expect(await records()).toEqual([]);
    expect(fn.metric('FencingRejections')).toBe(0);
    const retry = (await fn.handler(request(key), lambdaContext())) as HttpResponse;
    expect(retry).toMatchObject({ statusCode: 201, body: 'pay_2' });
    expect(isReplay(retry)).toBe(false);
    expect(fn.state.runs).toBe(2);
  });

  it('at the read of a waiting duplicate: it gets the first response or a retryable answer, and the handler runs once', async () => {
    const fn = paymentFunction();
    const key = randomUUID();
    fn.hold();
    const first = fn.handler(request(key), lambdaContext());
    await until(() => fn.state.runs === 1);
    const applied = arm('GetItem', fault);
    const duplicate = paymentFunction().handler(request(key), lambdaContext()) as Promise<HttpResponse>;
    await applied;
    fn.state.open();
    const [firstResponse, duplicateResponse] = (await Promise.all([first, duplicate])) as HttpResponse[];
    expect(firstResponse!.statusCode).toBe(201);
    if (fault.kind === 'outage') {
      expect(duplicateResponse).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '2' } });
    } else {
      expect(isReplay(duplicateResponse!)).toBe(true);
      expect(duplicateResponse!.body).toBe(firstResponse!.body);
    }
    expect(fn.state.runs).toBe(1);
    expect(await records()).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);
  });
});

it('a waiting duplicate answers by its wait bound even when its read hangs in the store', async () => {
  const fn = paymentFunction();
  const key = randomUUID();
  fn.hold();
  const first = fn.handler(request(key), lambdaContext());
  await until(() => fn.state.runs === 1);
  // A client with no request timeout: the hung GetItem would wait forever without the engine's own bound.
  const patient = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: proxy.endpoint });
  clients.push(patient);
  const duplicate = idempotentHttp(async () => ({ statusCode: 201, body: 'never' }), {
    store: new DynamoDbStore({ tableName, client: patient }),
    operation: 'payments',
    inFlightWaitMs: 300,
    logger: { warn: () => undefined },
  });
  const applied = arm('GetItem', { kind: 'hang' });
  const answer = (await duplicate(request(key), lambdaContext())) as HttpResponse;
  await applied;
  expect(answer.statusCode).toBe(409);
  expect(answer.headers?.['Retry-After']).toBeDefined();
  fn.state.open();
  expect(await first).toMatchObject({ statusCode: 201 });
});

/** Every record in this test's table, as stored. */
async function records() {
  return (await scanAll(direct, tableName)).map((item) => unmarshall(item));
}
