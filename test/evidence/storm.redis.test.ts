import { randomUUID } from 'node:crypto';
import { createPaymentApi } from '../../lambda/payment/payment-api';
import type { HttpResponse } from '../../lib/idempotency';
import { RedisStore } from '../../lib/idempotency/redis';
import { createLedgerTable } from '../../lib/local/tables';
import { httpEvent } from '../support/api-gateway-fixtures';
import { testClient } from '../support/dynamodb';
import { lambdaContext } from '../support/lambda-context';
import { charges } from '../support/payment-api-client';
import { CLIENT_KINDS, connectClient, inspector, uniquePrefix, type TestClient } from '../support/redis';
import { recordingLogger } from '../support/silent-logger';

// The example payment function with its idempotency records in Redis and its ledger in DynamoDB Local,
// invoked in-process (1,000 events at once, as 1,000 concurrent Lambda invocations would arrive).
const KEYS = 50;
const DUPLICATES = 20;
const dynamodb = testClient();
let admin: Awaited<ReturnType<typeof inspector>>;
beforeAll(async () => {
  admin = await inspector();
});
afterAll(() => {
  admin.destroy();
  dynamodb.destroy();
});

const payment = (key: string, amount: number) =>
  httpEvent({ principal: 'storm', headers: [['Idempotency-Key', key], ['Content-Type', 'application/json']], body: JSON.stringify({ amount, currency: 'EUR', source: 'tok_visa' }) });

describe.each(CLIENT_KINDS)('the payment function with its records in Redis (%s)', (kind) => {
  let connection: TestClient;

  beforeAll(async () => {
    connection = await connectClient(kind);
  });
  afterAll(() => connection.close());

  it(`runs ${KEYS} keys × ${DUPLICATES} concurrent duplicates as exactly ${KEYS} executions and ${KEYS} charges; every caller gets the first response or a 409`, async () => {
    const store = new RedisStore({ client: connection.client, keyPrefix: uniquePrefix() });
    const ledgerTable = `ledger-${randomUUID()}`;
    await createLedgerTable(dynamodb, ledgerTable);
    const handler = createPaymentApi({ idempotencyTable: 'unused', ledgerTable, client: dynamodb, store, idempotency: { logger: recordingLogger() } });
    const keys = Array.from({ length: KEYS }, (_, i) => ({ key: randomUUID(), amount: 100 + i }));
    const requests = Array.from({ length: KEYS * DUPLICATES }, (_, i) => keys[i % KEYS]!);
    const responses = await Promise.all(
      requests.map(async ({ key, amount }) => ({ key, response: (await handler(payment(key, amount), lambdaContext())) as HttpResponse })),
    );

    const ledger = await charges(dynamodb, ledgerTable);
    expect(ledger).toHaveLength(KEYS);
    expect(ledger.map((charge) => charge.attempts)).toEqual(Array(KEYS).fill(1)); // the handler reached the gateway once per key

    const byKey = new Map<string, HttpResponse[]>();
    for (const { key, response } of responses) byKey.set(key, [...(byKey.get(key) ?? []), response]);
    expect(byKey.size).toBe(KEYS);
    for (const [, group] of byKey) {
      const created = group.filter((r) => r.statusCode === 201);
      const firsts = created.filter((r) => r.headers?.['Idempotent-Replayed'] === undefined);
      expect(firsts).toHaveLength(1);
      expect(new Set(created.map((r) => r.body))).toEqual(new Set([firsts[0]!.body]));
      const others = group.filter((r) => r.statusCode !== 201);
      expect(others.every((r) => r.statusCode === 409 && r.headers?.['Retry-After'] !== undefined)).toBe(true);
    }
    const recordKeys = await admin.keys(`${store.keyPrefix}*`);
    expect(recordKeys).toHaveLength(KEYS);
    expect(await Promise.all(recordKeys.map((key) => admin.hGet(key, 'status')))).toEqual(Array(KEYS).fill('COMPLETED'));
  });
});
