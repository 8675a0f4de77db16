import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { idempotentHttp, type HttpResponse } from '../../lib/idempotency';
import { DynamoDbStore } from '../../lib/idempotency/dynamodb';
import { LOCAL_CLIENT_CONFIG } from '../../lib/local/dynamodb-local';
import { httpEvent } from '../support/api-gateway-fixtures';
import { freshIdempotencyTable, localEndpoint, scanAll, testClient } from '../support/dynamodb';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { lambdaContext } from '../support/lambda-context';

const KEYS = 20;
const DUPLICATES = 10;
// Each invocation's time (its lease is this plus the 1 s margin): long, so that a starved test machine never
// outlives a lease; a real invocation cannot outlive its own deadline, and then a takeover would be right.
const REMAINING_MS = 30_000;
const LEASE_MS = REMAINING_MS + 1_000;
const OUTAGE_MS = 300;

const direct = testClient();
let proxy: FaultProxy;
let tableName: string;
const clients: DynamoDBClient[] = [];

beforeAll(async () => {
  proxy = await startFaultProxy(localEndpoint());
  tableName = await freshIdempotencyTable(direct);
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await proxy.close();
  direct.destroy();
});

const executions = new Map<string, number>();
/** Added to the engines' clock: moving it past every lease shows what a later caller finds, without waiting for it. */
let clockOffsetMs = 0;

/** One Lambda environment: its own SDK client and wrapper, as separate containers have. */
function environment() {
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: proxy.endpoint }); // the SDK's defaults, retries included
  clients.push(client);
  return idempotentHttp(
    async (_event, _context, idem): Promise<HttpResponse> => {
      const key = idem.key!;
      const run = (executions.get(key) ?? 0) + 1;
      executions.set(key, run);
      await sleep(20 + Math.random() * 80);
      return { statusCode: 201, body: JSON.stringify({ run, by: randomUUID() }) };
    },
    {
      store: new DynamoDbStore({ tableName, client }),
      operation: 'payments',
      logger: { warn: () => undefined },
      now: () => Date.now() + clockOffsetMs,
    },
  );
}

const request = (key: string) =>
  httpEvent({
    headers: [
      ['Idempotency-Key', key],
      ['Content-Type', 'application/json'],
    ],
    body: '{"amount":1}',
  });

it(`${KEYS} keys × ${DUPLICATES} concurrent duplicates in separate environments, with a ${OUTAGE_MS} ms outage mid-storm: at most one execution per key`, async () => {
  const keys = Array.from({ length: KEYS }, () => randomUUID());
  const calls = keys.flatMap((key) =>
    Array.from({ length: DUPLICATES }, async () => {
      await sleep(Math.random() * 600);
      return { key, response: (await environment()(request(key), lambdaContext(REMAINING_MS))) as HttpResponse };
    }),
  );
  // The outage starts with the 60th claim, when the storm is in full swing, whatever the machine's speed.
  const outage = proxy.inject({ operation: 'PutItem', nth: 60, fault: { kind: 'outage', ms: OUTAGE_MS } });
  const results = await Promise.all(calls);
  await outage;

  const tally: Record<string, number> = {};
  for (const { response } of results) {
    const kind =
      response.statusCode === 201
        ? response.headers?.['Idempotent-Replayed'] === 'true'
          ? '201 replayed'
          : '201 first'
        : String(response.statusCode);
    tally[kind] = (tally[kind] ?? 0) + 1;
    // Every caller got the result, a replay, or an answer that tells it to retry.
    if (response.statusCode !== 201) {
      expect([409, 503]).toContain(response.statusCode);
      expect(response.headers?.['Retry-After']).toMatch(/^[1-5]$/);
    }
  }
  expect(Math.max(...executions.values())).toBe(1);
  for (const key of keys) {
    const bodies = new Set(results.filter((r) => r.key === key && r.response.statusCode === 201).map((r) => r.response.body));
    expect(bodies.size).toBeLessThanOrEqual(1); // every 201 of a key is the winner's response
  }

  // Once every lease has ended nothing is left in progress: one more call per key replays the winner, or
  // (for a key whose every claim was lost in the outage) runs it for the first time.
  clockOffsetMs = LEASE_MS + 1_000;
  const now = Date.now() + clockOffsetMs;
  const stuck = (await scanAll(direct, tableName))
    .map((item) => unmarshall(item))
    .filter((item) => item.status === 'IN_PROGRESS' && item.leaseExpiresAt >= now);
  expect(stuck).toEqual([]);
  for (const key of keys) {
    const winner = results.find((r) => r.key === key && r.response.statusCode === 201)?.response.body;
    const last = (await environment()(request(key), lambdaContext(REMAINING_MS))) as HttpResponse;
    expect(last.statusCode).toBe(201);
    if (winner !== undefined) expect(last.body).toBe(winner);
  }
  expect([...executions.values()].every((count) => count === 1)).toBe(true);
  expect(executions.size).toBe(KEYS);
  if (process.env.STORM_REPORT)
    process.stdout.write(`storm under faults: ${JSON.stringify({ ...tally, executions: executions.size, proxy: proxy.seen })}\n`);
});
