import { randomUUID } from 'node:crypto';
import { idempotentHttp, type ApiGatewayEvent, type HttpResponse } from '../../lib/idempotency';
import { RedisStore } from '../../lib/idempotency/redis';
import { httpEvent } from '../support/api-gateway-fixtures';
import { lambdaContext } from '../support/lambda-context';
import { CLIENT_KINDS, connectClient, redisBehindFaultProxy, uniquePrefix, type TestClient } from '../support/redis';
import { recordingLogger } from '../support/silent-logger';
import { until } from '../support/until';

/**
 * The same TCP faults as redis-faults.redis.test.ts, through the HTTP layer: what a caller sees, and
 * exact counts of handler runs. The fault is armed from inside the handler, so it hits the write
 * that follows it (completion or release).
 */

const STORE_UNAVAILABLE = 'tag:lambda-idempotency,2026:problems/idempotency-store-unavailable';
const TIMEOUT_MS = 1_000; // generous: an unfaulted reply must never reach it, even on a loaded machine
const DELAY_MS = 2_500;

const redis = redisBehindFaultProxy();

const request = (key: string) =>
  httpEvent({
    headers: [
      ['Idempotency-Key', key],
      ['Content-Type', 'application/json'],
    ],
    body: '{"amount":1000}',
  });
const replayed = (response: HttpResponse) => response.headers?.['Idempotent-Replayed'] === 'true';

describe.each(CLIENT_KINDS)('%s: faults through idempotentHttp', (kind) => {
  let connection: TestClient;
  let store: RedisStore;
  beforeAll(async () => {
    connection = await connectClient(kind, redis.proxy.url, kind === 'ioredis' ? { commandTimeoutMs: TIMEOUT_MS } : {});
    store = new RedisStore({
      client: connection.client,
      keyPrefix: uniquePrefix(),
      ...(kind === 'node-redis' && { commandTimeoutMs: TIMEOUT_MS }),
    });
  });
  afterEach(async () => {
    redis.proxy.restore();
    await redis.proxy.delivered();
    // Every scenario ends settled: no record is left in progress for its lease to free.
    expect(await redis.admin.keys(`${store.keyPrefix}*`)).toHaveLength(await completedCount());
  });
  async function completedCount(): Promise<number> {
    const keys = await redis.admin.keys(`${store.keyPrefix}*`);
    const statuses = await Promise.all(keys.map((key) => redis.admin.hGet(key, 'status')));
    return statuses.filter((status) => status === 'COMPLETED').length;
  }
  afterAll(() => connection.close());

  /** A payment-like handler that arms `fault` as it finishes; `failFirst` makes its first run a 503 (released). */
  function paymentHandler(fault: () => void = () => undefined, { failFirst = false } = {}) {
    const state = { runs: 0, successes: 0, armed: false };
    const handler = idempotentHttp(
      async (_event: ApiGatewayEvent): Promise<HttpResponse> => {
        const run = ++state.runs;
        if (!state.armed) {
          state.armed = true;
          fault();
        }
        if (failFirst && run === 1) return { statusCode: 503, headers: { 'Retry-After': '1' }, body: 'gateway down' };
        state.successes++;
        return { statusCode: 201, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ payment: `pay_${run}` }) };
      },
      { store, operation: `payments-${randomUUID()}`, logger: recordingLogger() },
    );
    return { handler: async (key: string) => (await handler(request(key), lambdaContext())) as HttpResponse, state };
  }

  it.each([
    ['the reply is lost after the script ran', () => redis.proxy.loseNextReply()],
    ['the connection is reset before the request arrives', () => redis.proxy.resetNextRequest()],
    ['the reply comes back past the timeout', () => redis.proxy.delayNextReply(DELAY_MS)],
  ])(
    'at completion, when %s: the caller gets its 201, duplicates the same response replayed, and the handler ran once',
    async (_name, fault) => {
      const { handler, state } = paymentHandler(fault);
      const key = randomUUID();
      const first = await handler(key);
      expect(first.statusCode).toBe(201);
      expect(replayed(first)).toBe(false);
      await redis.proxy.delivered();
      const duplicate = await handler(key);
      expect(replayed(duplicate)).toBe(true);
      expect(duplicate.body).toBe(first.body);
      expect(state.runs).toBe(1);
    },
  );

  it.each([
    ['the reply is lost after the script ran', () => redis.proxy.loseNextReply()],
    ['the connection is reset before the request arrives', () => redis.proxy.resetNextRequest()],
  ])(
    "at the claim, when %s: the claim is still the caller's (no key locked by its own claim), the handler runs once, the caller gets its 201",
    async (_name, fault) => {
      const { handler, state } = paymentHandler();
      const key = randomUUID();
      fault();
      const first = await handler(key);
      expect(first.statusCode).toBe(201);
      expect(replayed(first)).toBe(false);
      const duplicate = await handler(key);
      expect(replayed(duplicate)).toBe(true);
      expect(duplicate.body).toBe(first.body);
      expect(state.runs).toBe(1);
    },
  );

  it("at release, when the reply is lost: the handler's own 503 reaches the caller, and the retry runs at once (no 409)", async () => {
    const { handler, state } = paymentHandler(() => redis.proxy.loseNextReply(), { failFirst: true });
    const key = randomUUID();
    expect(await handler(key)).toMatchObject({ statusCode: 503, body: 'gateway down' });
    const retry = await handler(key);
    expect(retry.statusCode).toBe(201);
    expect(replayed(retry)).toBe(false);
    expect(replayed(await handler(key))).toBe(true);
    expect(state).toMatchObject({ runs: 2, successes: 1 });
  });

  it('at the claim, during an outage: a 503 problem, nothing ran, nothing stored; after it the retry runs once', async () => {
    const { handler, state } = paymentHandler();
    const key = randomUUID();
    redis.proxy.outage();
    const response = await handler(key);
    expect(response).toMatchObject({ statusCode: 503, headers: { 'Content-Type': 'application/problem+json' } });
    expect(JSON.parse(response.body!).type).toBe(STORE_UNAVAILABLE);
    expect(state.runs).toBe(0);
    expect(await redis.admin.keys(`${store.keyPrefix}*`)).toHaveLength(await completedCount());
    redis.proxy.restore();
    let retry: HttpResponse | undefined;
    await until(async () => (retry = await handler(key)).statusCode !== 503, 15_000); // 503s until the client has reconnected
    expect(retry).toMatchObject({ statusCode: 201 });
    expect(replayed(retry!)).toBe(false);
    expect(state).toMatchObject({ runs: 1, successes: 1 });
  });
});
