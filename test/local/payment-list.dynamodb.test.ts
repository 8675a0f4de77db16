import { randomUUID } from 'node:crypto';
import { startLocalPaymentApi, type LocalPaymentApi } from '../../lib/local/local-payment-api';
import { countCalls } from '../support/call-counter';
import { scanAll, testClient } from '../support/dynamodb';
import { recordingLogger } from '../support/silent-logger';
import { paymentClient } from '../support/payment-api-client';

const PAYMENTS = 'tag:lambda-idempotency,2026:payments/';
const dynamodb = testClient();
// The function's own client, whose calls are counted: a refused request must not reach DynamoDB.
const functionClient = testClient();
const calls = countCalls(functionClient);
let api: LocalPaymentApi;
let client: ReturnType<typeof paymentClient>;
/** Olivia's 25 payments, in the order she made them. */
const made: string[] = [];

beforeAll(async () => {
  api = await startLocalPaymentApi({
    client: functionClient,
    idempotency: { logger: recordingLogger() },
    idempotencyTable: `idem-${randomUUID()}`,
    ledgerTable: `ledger-${randomUUID()}`,
  });
  client = paymentClient(api.url);
  for (let i = 1; i <= 25; i++) {
    const response = await client.pay('olivia', randomUUID(), { amount: i, currency: 'EUR', source: 'tok_visa' });
    made.push(response.body.id);
  }
  await client.pay('peggy', randomUUID()); // someone else's, never listed for Olivia
});
afterAll(() => api.close());

const list = (query: string, token = 'olivia') => client.request('GET', `/payments${query}`, { token });
const ids = (body: { data: { id: string }[] }) => body.data.map((payment) => payment.id);
const newestFirst = () => [...made].reverse();

describe('GET /payments: Stripe-like pages, newest first', () => {
  it('answers the 10 newest by default, with has_more', async () => {
    const response = await list('');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ object: 'list', url: '/payments', has_more: true });
    expect(ids(response.body)).toEqual(newestFirst().slice(0, 10));
    expect(response.body.data.map((p: { amount: number }) => p.amount)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
  });

  it('answers all 25 with limit=100 and no more', async () => {
    const response = await list('?limit=100');
    expect(ids(response.body)).toEqual(newestFirst());
    expect(response.body.has_more).toBe(false);
  });

  it('walks every payment exactly once with starting_after, and back with ending_before', async () => {
    const pages: string[][] = [];
    const more: boolean[] = [];
    let query = '?limit=10';
    for (;;) {
      const { body } = await list(query);
      pages.push(ids(body));
      more.push(body.has_more);
      if (!body.has_more) break;
      query = `?limit=10&starting_after=${pages.at(-1)!.at(-1)}`;
    }
    expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
    expect(more).toEqual([true, true, false]);
    expect(pages.flat()).toEqual(newestFirst());

    // Back up from the last page: the 10 just newer than its first, still newest first.
    const back = await list(`?limit=10&ending_before=${pages[2]![0]}`);
    expect(ids(back.body)).toEqual(pages[1]);
    expect(back.body.has_more).toBe(true);
    const top = await list(`?limit=10&ending_before=${pages[1]![0]}`);
    expect(ids(top.body)).toEqual(pages[0]);
    expect(top.body.has_more).toBe(false);
  });

  it('answers limit=1 with the newest alone', async () => {
    const response = await list('?limit=1');
    expect(ids(response.body)).toEqual([made.at(-1)]);
    expect(response.body.has_more).toBe(true);
  });

  it("lists only the caller's own payments", async () => {
    expect(ids((await list('?limit=100', 'peggy')).body)).toHaveLength(1);
    expect((await list('?limit=100', 'nobody')).body).toEqual({ object: 'list', url: '/payments', has_more: false, data: [] });
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=abc', 'limit'],
    ['?limit=1.5', 'limit'],
    ['?limit=-1', 'limit'],
    ['?limit=', 'limit'],
    ['?limit=1&limit=2', 'limit'],
    ['?starting_after=pay_1', 'starting_after'],
    ['?ending_before=%E0%A4%A', 'ending_before'],
    ['?starting_after=<1,100 characters>', 'starting_after'],
    ['?page=2', 'page'],
  ])('answers %s with a 400 naming %s, before any read', async (query, name) => {
    calls.reset();
    const response = await list(query.replace('<1,100 characters>', 'pay_'.padEnd(1_100, 'x')));
    expect(response.status).toBe(400);
    expect(response.body.type).toBe(`${PAYMENTS}invalid-request`);
    expect(response.body.errors.map((error: { name: string }) => error.name)).toContain(name);
    expect(calls.counts).toEqual({});
  });

  it('refuses starting_after and ending_before together', async () => {
    const response = await list(`?starting_after=${made[5]}&ending_before=${made[9]}`);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ name: 'ending_before', reason: expect.stringContaining('starting_after') }]);
  });
});

describe('GET /payments/{id}', () => {
  it("answers the caller's payment", async () => {
    const response = await client.request('GET', `/payments/${made[0]}`, { token: 'olivia' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: made[0], amount: 1, status: 'succeeded' });
  });

  it.each([
    ['1,100 characters', 'x'.repeat(1_100)],
    ['1,100 characters after pay_', `pay_${'x'.repeat(1_096)}`],
    ['a short id', 'pay_1'],
    ['capitals', made[0]?.toUpperCase() ?? 'PAY_X'],
    ['an id of the right form that does not exist', 'pay_0000000000000000000000000z'],
    ['percent-encoded bytes', '%F0%9F%92%B3'],
  ])('answers %s with a 404 problem', async (_name, id) => {
    calls.reset();
    const response = await client.request('GET', `/payments/${id}`, { token: 'olivia' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.type).toBe(`${PAYMENTS}not-found`);
    // A malformed id is refused before any read; only a well-formed one is looked up.
    expect(calls.counts).toEqual(/^pay_[0-9a-z]{26}$/.test(id) ? { GetItemCommand: 1 } : {});
  });

  it("answers 404 for another caller's payment, and stores nothing for any of these reads", async () => {
    const records = (await scanAll(dynamodb, api.idempotencyTable)).length;
    expect((await client.request('GET', `/payments/${made[0]}`, { token: 'peggy' })).status).toBe(404);
    expect((await scanAll(dynamodb, api.idempotencyTable)).length).toBe(records);
  });
});
