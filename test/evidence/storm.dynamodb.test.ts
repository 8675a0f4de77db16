import { randomUUID } from 'node:crypto';
import { startLocalPaymentApi, type LocalPaymentApi } from '../../lib/local/local-payment-api';
import { scanAll, testClient } from '../support/dynamodb';
import { mapConcurrently } from '../support/concurrency';
import { recordingLogger } from '../support/silent-logger';
import { charges, paymentClient, type TestResponse } from '../support/payment-api-client';

const dynamodb = testClient();
let api: LocalPaymentApi;

beforeAll(async () => {
  // A thousand invocations share one process and one DynamoDB Local here, where each would have its
  // own Lambda sandbox: on a loaded machine a first run can queue past the 10 s function timeout, so
  // the stand-in's timeout is raised out of the way (this test counts executions, not time).
  api = await startLocalPaymentApi({
    client: dynamodb,
    timeoutMs: 60_000,
    idempotency: { logger: recordingLogger() },
    idempotencyTable: `idem-${randomUUID()}`,
    ledgerTable: `ledger-${randomUUID()}`,
  });
});
afterAll(() => api.close());

// 200 requests in flight at a time (the server sees them all at once), 1000 in all.
const CLIENT_CONCURRENCY = 200;

it('runs 1000 concurrent requests over 50 keys as exactly 50 executions and 50 charges; every caller gets the first response or a 409', async () => {
  const client = paymentClient(api.url);
  const keys = Array.from({ length: 50 }, (_, i) => ({ key: randomUUID(), amount: 100 + i }));
  const requests = Array.from({ length: 1000 }, (_, i) => keys[i % 50]!);
  const responses: (TestResponse & { key: string })[] = await mapConcurrently(requests, CLIENT_CONCURRENCY, async ({ key, amount }) => ({
    key,
    ...(await client.pay('storm', key, { amount, currency: 'EUR', source: 'tok_visa' })),
  }));

  const ledger = await charges(dynamodb, api.ledgerTable);
  expect(ledger).toHaveLength(50);
  expect(ledger.map((charge) => charge.attempts)).toEqual(Array(50).fill(1)); // the handler reached the gateway 50 times

  const byKey = new Map<string, (TestResponse & { key: string })[]>();
  for (const response of responses) byKey.set(response.key, [...(byKey.get(response.key) ?? []), response]);
  for (const [, group] of byKey) {
    const created = group.filter((r) => r.status === 201);
    const firsts = created.filter((r) => r.headers.get('idempotent-replayed') === null);
    expect(firsts).toHaveLength(1);
    expect(new Set(created.map((r) => r.text))).toEqual(new Set([firsts[0]!.text]));
    const others = group.filter((r) => r.status !== 201);
    expect(others.every((r) => r.status === 409 && r.headers.get('retry-after') !== null)).toBe(true);
  }
  const records = await scanAll(dynamodb, api.idempotencyTable);
  expect(records.map((item) => item.status?.S)).toEqual(Array(50).fill('COMPLETED'));
}, 180_000); // 1000 requests through one process on two cores: generous, since it counts executions, not time
