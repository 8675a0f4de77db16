import { randomUUID } from 'node:crypto';
import { ErrorCode, idempotent, idempotentHttp, type HttpResponse } from '../../lib/idempotency';
import { RedisStore } from '../../lib/idempotency/redis';
import { httpEvent } from './../support/api-gateway-fixtures';
import { lambdaContext } from '../support/lambda-context';
import { countCommands } from '../support/counting-redis';
import { CLIENT_KINDS, connectClient, uniquePrefix, type TestClient } from '../support/redis';
import { recordingLogger } from '../support/silent-logger';

const request = (key: string, body = '{"amount":1000}') =>
  httpEvent({
    headers: [
      ['Idempotency-Key', key],
      ['Content-Type', 'application/json'],
    ],
    body,
  });

describe.each(CLIENT_KINDS)('idempotent handlers on RedisStore (%s)', (kind) => {
  let connection: TestClient;
  let counter: ReturnType<typeof countCommands>;
  let store: RedisStore;
  beforeAll(async () => {
    connection = await connectClient(kind);
    counter = countCommands(connection.client);
    store = new RedisStore({ client: counter.client, keyPrefix: uniquePrefix() });
  });
  afterAll(() => connection.close());

  function httpHandler(options: { localCache?: boolean } = {}, operation = `payments-${randomUUID()}`) {
    let runs = 0;
    const handler = idempotentHttp(
      async () => ({
        statusCode: 201,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ payment: `pay_${++runs}` }),
      }),
      { store, operation, logger: recordingLogger(), ...options },
    );
    return { call: async (event: ReturnType<typeof request>) => (await handler(event, lambdaContext())) as HttpResponse, runs: () => runs };
  }

  it('runs once in 2 round trips, replays in 1, and in 0 from a warm local cache', async () => {
    const operation = `payments-${randomUUID()}`;
    const { call, runs } = httpHandler({ localCache: true }, operation);
    await call(request(randomUUID())); // loads the scripts
    const key = randomUUID();
    counter.reset();
    const first = await call(request(key));
    expect(counter.counts).toEqual({ evalsha: 2 });
    const cold = httpHandler({}, operation); // another container: no local cache of the key
    counter.reset();
    const replay = await cold.call(request(key));
    expect(counter.counts).toEqual({ evalsha: 1 });
    expect(replay).toMatchObject({ statusCode: 201, body: first.body, headers: { 'Idempotent-Replayed': 'true' } });
    counter.reset();
    expect((await call(request(key))).body).toBe(first.body);
    expect(counter.total()).toBe(0);
    expect(runs() + cold.runs()).toBe(2); // the warm-up key and this one
  });

  it('answers 422 when the key is reused with another payload, and runs nothing', async () => {
    const { call, runs } = httpHandler();
    const key = randomUUID();
    await call(request(key, '{"amount":1000}'));
    const reused = await call(request(key, '{"amount":9999}'));
    expect(reused).toMatchObject({ statusCode: 422, headers: { 'Content-Type': 'application/problem+json' } });
    expect(runs()).toBe(1);
  });

  it('replays a gzip-compressed result exactly', async () => {
    let runs = 0;
    const big = { rows: Array.from({ length: 5_000 }, (_, i) => ({ i, label: `row ${i}` })) };
    const handler = idempotent(async () => (++runs, big), {
      store,
      key: () => 'big',
      operation: `report-${randomUUID()}`,
      logger: recordingLogger(),
    });
    expect(await handler({}, lambdaContext())).toEqual(big);
    expect(await handler({}, lambdaContext())).toEqual(big);
    expect(runs).toBe(1);
  });

  it('completes a result larger than `maxResultBytes` without storing it: duplicates get IdempotencyResultUnavailableError, and nothing runs twice', async () => {
    const small = new RedisStore({ client: connection.client, keyPrefix: uniquePrefix(), maxResultBytes: 64 });
    let runs = 0;
    const handler = idempotent(async () => (++runs, { text: randomUUID().repeat(20) }), {
      store: small,
      key: () => 'k',
      logger: recordingLogger(),
    });
    await handler({}, lambdaContext());
    await expect(handler({}, lambdaContext())).rejects.toMatchObject({ code: ErrorCode.resultUnavailable });
    expect(runs).toBe(1);
  });
});
