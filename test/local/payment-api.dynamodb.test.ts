import { randomUUID } from 'node:crypto';
import { startLocalPaymentApi, type LocalPaymentApi } from '../../lib/local/local-payment-api';
import { LEDGER_ACTIONS } from '../../lambda/payment/ledger-schema';
import { STORE_ACTIONS } from 'lambda-idempotency/cdk';
import { recordItemActions } from '../support/call-counter';
import { scanAll, testClient } from '../support/dynamodb';
import { recordingLogger } from '../support/silent-logger';
import { charges, paymentClient } from '../support/payment-api-client';
import { until } from '../support/until';

const TYPE = 'tag:lambda-idempotency,2026:';
const dynamodb = testClient();
// The function's own client, apart from the one tests read tables with, so its calls can be recorded.
const functionClient = testClient();
const actions = recordItemActions(functionClient);

describe.each([['2.0'], ['1.0']] as const)('the payment API over real sockets (payload %s)', (payloadVersion) => {
  let api: LocalPaymentApi;
  let shortWaitApi: LocalPaymentApi;
  let client: ReturnType<typeof paymentClient>;

  beforeAll(async () => {
    const tables = { idempotencyTable: `idem-${randomUUID()}`, ledgerTable: `ledger-${randomUUID()}` };
    api = await startLocalPaymentApi({ client: functionClient, idempotency: { logger: recordingLogger() }, payloadVersion, ...tables });
    // A second function, on its own tables, whose duplicates give up waiting early, to see a 409.
    const handlerTables = { idempotencyTable: `idem-${randomUUID()}`, ledgerTable: `ledger-${randomUUID()}` };
    shortWaitApi = await startLocalPaymentApi({
      client: functionClient,
      payloadVersion,
      ...handlerTables,
      idempotency: { inFlightWaitMs: 200, logger: recordingLogger() },
    });
    client = paymentClient(api.url);
  });
  afterAll(async () => {
    await api.close();
    await shortWaitApi.close();
  });

  it('charges once for 25 concurrent duplicates; every caller gets the first 201, all but one marked as replays', async () => {
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 25 }, () => client.pay('alice', key)));
    expect(responses.map((r) => r.status)).toEqual(Array(25).fill(201));
    expect(new Set(responses.map((r) => r.text)).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(24);
    const mine = (await charges(dynamodb, api.ledgerTable)).filter((c) => c.chargeId === responses[0]!.body.charge);
    expect(mine).toEqual([expect.objectContaining({ attempts: 1, status: 'succeeded' })]);
  });

  it('replays the first response with Idempotent-Replayed: true and its Location', async () => {
    const key = randomUUID();
    const first = await client.pay('alice', key, { amount: 4200, currency: 'USD', source: 'tok_visa' });
    const second = await client.pay('alice', key, { amount: 4200, currency: 'USD', source: 'tok_visa' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^pay_/),
      amount: 4200,
      currency: 'USD',
      status: 'succeeded',
      created: expect.any(String),
      charge: expect.stringMatching(/^ch_/),
    });
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe(`/payments/${first.body.id}`);
  });

  it('answers 400 for a missing key and for an invalid body, names the field, and stores nothing that blocks the corrected retry', async () => {
    const missing = await client.pay('alice', undefined);
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(missing.body.type).toBe(`${TYPE}problems/idempotency-key-missing`);

    const key = randomUUID();
    const invalid = await client.pay('alice', key, { amount: 10.5, currency: 'EUR', source: 'tok_visa' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      type: `${TYPE}payments/invalid-request`,
      errors: [{ name: 'amount', reason: expect.any(String) }],
    });
    const corrected = await client.pay('alice', key, { amount: 1050, currency: 'EUR', source: 'tok_visa' });
    expect(corrected.status).toBe(201);
    expect(corrected.headers.get('idempotent-replayed')).toBeNull();
  });

  it('answers 401 without a bearer token and runs nothing', async () => {
    const before = (await charges(dynamodb, api.ledgerTable)).length;
    const response = await client.request('POST', '/payments', {
      key: randomUUID(),
      body: { amount: 1, currency: 'EUR', source: 'tok_visa' },
    });
    expect(response.status).toBe(401);
    expect(response.body.type).toBe(`${TYPE}local/unauthorized`);
    expect((await charges(dynamodb, api.ledgerTable)).length).toBe(before);
  });

  it('answers 422 when the key comes back with a different payment, and charges nothing more', async () => {
    const key = randomUUID();
    await client.pay('alice', key, { amount: 100, currency: 'EUR', source: 'tok_visa' });
    const before = (await charges(dynamodb, api.ledgerTable)).length;
    const reused = await client.pay('alice', key, { amount: 999, currency: 'EUR', source: 'tok_visa' });
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe(`${TYPE}problems/idempotency-key-reused`);
    expect((await charges(dynamodb, api.ledgerTable)).length).toBe(before);
  });

  it('stores a declined card (402) and replays it: the gateway saw one attempt', async () => {
    const key = randomUUID();
    const first = await client.pay('alice', key, { amount: 500, currency: 'EUR', source: 'tok_chargeDeclined' });
    const second = await client.pay('alice', key, { amount: 500, currency: 'EUR', source: 'tok_chargeDeclined' });
    expect(first.status).toBe(402);
    expect(first.body.type).toBe(`${TYPE}payments/card-declined`);
    expect(second.status).toBe(402);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const declined = (await charges(dynamodb, api.ledgerTable)).filter((c) => c.chargeId === first.body.charge);
    expect(declined).toEqual([expect.objectContaining({ status: 'declined', attempts: 1 })]);
  });

  it('answers 503 with Retry-After when the gateway fails, stores nothing, and runs the retry again', async () => {
    const key = randomUUID();
    const first = await client.pay('alice', key, { amount: 700, currency: 'EUR', source: 'tok_gatewayError' });
    const retry = await client.pay('alice', key, { amount: 700, currency: 'EUR', source: 'tok_gatewayError' });
    for (const response of [first, retry]) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.headers.get('idempotent-replayed')).toBeNull();
    }
  });

  it('makes a duplicate of a slow charge wait for it and get the same 201', async () => {
    const key = randomUUID();
    const body = { amount: 300, currency: 'EUR', source: 'tok_slow' };
    const records = (await scanAll(dynamodb, api.idempotencyTable)).length;
    const first = client.pay('bob', key, body);
    await until(async () => (await scanAll(dynamodb, api.idempotencyTable)).length > records); // the first has claimed
    const duplicate = await client.pay('bob', key, body);
    expect(duplicate.status).toBe(201);
    expect(duplicate.headers.get('idempotent-replayed')).toBe('true');
    expect(duplicate.text).toBe((await first).text);
  });

  it('answers 409 with Retry-After when the duplicate gives up waiting, then replays once the charge is done', async () => {
    const slow = paymentClient(shortWaitApi.url);
    const key = randomUUID();
    const body = { amount: 300, currency: 'EUR', source: 'tok_slow' };
    const first = slow.pay('bob', key, body);
    await until(async () => (await scanAll(dynamodb, shortWaitApi.idempotencyTable)).length > 0); // the first has claimed
    const duplicate = await slow.pay('bob', key, body);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.type).toBe(`${TYPE}problems/request-in-progress`);
    expect(Number(duplicate.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await first).status).toBe(201);
    const later = await slow.pay('bob', key, body);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
    expect((await charges(dynamodb, shortWaitApi.ledgerTable)).filter((c) => c.amount === 300)).toEqual([
      expect.objectContaining({ attempts: 1 }),
    ]);
  });

  it("keeps callers apart: the same key makes two payments, and nobody reads another's", async () => {
    const key = randomUUID();
    const carol = await client.pay('carol', key);
    const dave = await client.pay('dave', key);
    expect(carol.status).toBe(201);
    expect(dave.status).toBe(201);
    expect(dave.headers.get('idempotent-replayed')).toBeNull();
    expect(dave.body.id).not.toBe(carol.body.id);
    expect((await client.request('GET', `/payments/${carol.body.id}`, { token: 'dave' })).status).toBe(404);
    expect((await client.request('GET', `/payments/${carol.body.id}`, { token: 'carol' })).body).toEqual(carol.body);
    const list = await client.request('GET', '/payments', { token: 'dave' });
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([dave.body.id]);
  });

  it('passes GET straight through: no key needed, nothing stored', async () => {
    const before = (await scanAll(dynamodb, api.idempotencyTable)).length;
    const response = await client.request('GET', '/payments', { token: 'erin' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ object: 'list', url: '/payments', has_more: false, data: [] });
    expect((await scanAll(dynamodb, api.idempotencyTable)).length).toBe(before);
  });

  it('stores hashes and the response only: no raw key, principal or request body', async () => {
    const key = `visible-key-${randomUUID()}`;
    await client.pay('frank-the-principal', key, { amount: 8675309, currency: 'EUR', source: 'tok_visa' });
    const stored = JSON.stringify(await scanAll(dynamodb, api.idempotencyTable));
    expect(stored).not.toContain(key);
    expect(stored).not.toContain('frank-the-principal');
    expect(stored).not.toContain('tok_visa');
  });

  // Runs last in this block: by now every route and outcome above has run against these tables.
  it('sends each table only the item actions the CDK stack grants: the grants are neither short nor broad', () => {
    expect(actions.on(api.ledgerTable)).toEqual([...LEDGER_ACTIONS].sort());
    expect(actions.on(api.idempotencyTable)).toEqual([...STORE_ACTIONS].sort());
  });
});
