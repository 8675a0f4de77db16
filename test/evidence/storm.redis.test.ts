import { randomUUID } from 'node:crypto';
import { idempotentHttp, type ApiGatewayEvent, type HttpResponse } from '../../lib/idempotency';
import { RedisStore } from '../../lib/idempotency/redis';
import { httpEvent } from '../support/api-gateway-fixtures';
import { lambdaContext } from '../support/lambda-context';
import { CLIENT_KINDS, connectClient, inspector, uniquePrefix, type TestClient } from '../support/redis';
import { recordingLogger } from '../support/silent-logger';

// A payment-like HTTP handler on RedisStore, invoked in-process: 1,000 events at once, as 1,000 concurrent
// Lambda invocations would arrive. (The example payment function commits its ledger with `idem.write`,
// which only DynamoDbStore can, so the storm counts its own charges.)
const KEYS = 50;
const DUPLICATES = 20;
// Each invocation's remaining time, in real time: the lease follows it, so a storm that a loaded two-core machine
// drags past it would see leases end and keys taken over, as Lambda would after a timeout. Far beyond any such drag.
const REMAINING_MS = 600_000;
let admin: Awaited<ReturnType<typeof inspector>>;
beforeAll(async () => {
  admin = await inspector();
});
afterAll(() => admin.destroy());

const payment = (key: string, amount: number) =>
  httpEvent({
    principal: 'storm',
    headers: [
      ['Idempotency-Key', key],
      ['Content-Type', 'application/json'],
    ],
    body: JSON.stringify({ amount, currency: 'EUR', source: 'tok_visa' }),
  });

describe.each(CLIENT_KINDS)('a payment handler with its records in Redis (%s)', (kind) => {
  let connection: TestClient;

  beforeAll(async () => {
    connection = await connectClient(kind);
  });
  afterAll(() => connection.close());

  it(`runs ${KEYS} keys × ${DUPLICATES} concurrent duplicates as exactly ${KEYS} executions and ${KEYS} charges; every caller gets the first response or a 409`, async () => {
    const store = new RedisStore({ client: connection.client, keyPrefix: uniquePrefix() });
    const charges = new Map<string, number>();
    const handler = idempotentHttp(
      async (event: ApiGatewayEvent): Promise<HttpResponse> => {
        const key = event.headers?.['idempotency-key'] ?? event.headers?.['Idempotency-Key'] ?? '';
        charges.set(key, (charges.get(key) ?? 0) + 1);
        await new Promise((resolve) => setImmediate(resolve)); // a charge takes a turn of the event loop at least
        return {
          statusCode: 201,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ id: `pay_${randomUUID()}`, key }),
        };
      },
      { store, operation: `payments-${randomUUID()}`, logger: recordingLogger() },
    );
    const keys = Array.from({ length: KEYS }, (_, i) => ({ key: randomUUID(), amount: 100 + i }));
    const requests = Array.from({ length: KEYS * DUPLICATES }, (_, i) => keys[i % KEYS]!);
    const responses = await Promise.all(
      requests.map(async ({ key, amount }) => ({
        key,
        response: (await handler(payment(key, amount), lambdaContext(REMAINING_MS))) as HttpResponse,
      })),
    );

    expect(charges.size).toBe(KEYS);
    expect([...charges.values()]).toEqual(Array(KEYS).fill(1)); // the handler charged once per key

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
