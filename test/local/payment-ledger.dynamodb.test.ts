import { randomUUID } from 'node:crypto';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { startLocalPaymentApi, type LocalPaymentApi } from '../../lib/local/local-payment-api';
import { scanAll, testClient } from '../support/dynamodb';
import { failWhen, faults } from '../support/fault-injection';
import { recordingLogger } from '../support/silent-logger';
import { charges, paymentClient } from '../support/payment-api-client';

const PAYMENTS = 'tag:lambda-idempotency,2026:payments/';
const dynamodb = testClient();
// The function's own client, so a fault can hit one of its writes and not the test's reads.
const functionClient = testClient();
const errors: { message: string; fields: Record<string, unknown> }[] = [];
let api: LocalPaymentApi;
let client: ReturnType<typeof paymentClient>;

beforeAll(async () => {
  api = await startLocalPaymentApi({
    client: functionClient,
    idempotency: { logger: recordingLogger() },
    logger: { error: (message, fields) => void errors.push({ message, fields }) },
    idempotencyTable: `idem-${randomUUID()}`,
    ledgerTable: `ledger-${randomUUID()}`,
  });
  client = paymentClient(api.url);
});
afterAll(() => api.close());

const EUR_10 = { amount: 1000, currency: 'EUR', source: 'tok_visa' };
const isCommit = (name: string, input: Record<string, unknown>) =>
  name.startsWith('TransactWriteItems') && JSON.stringify(input).includes('PAYMENT#');
const isCharge = (name: string, input: Record<string, unknown>) =>
  name.startsWith('Update') && JSON.stringify(input.Key ?? {}).includes('CHARGE#');

/** The ledger's payments, as stored. */
async function storedPayments() {
  return (await scanAll(dynamodb, api.ledgerTable))
    .map((item) => unmarshall(item))
    .filter((item) => String(item.sk).startsWith('PAYMENT#'));
}

/** The idempotency table's records, as stored. */
async function idempotencyRecords() {
  return (await scanAll(dynamodb, api.idempotencyTable)).map((item) => unmarshall(item) as { status?: string; result?: string });
}

/** The gateway's charges and the ledger's payments of one payment id. */
async function books(paymentId: string) {
  const payment = (await storedPayments()).filter((p) => p.id === paymentId);
  const charge = (await charges(dynamodb, api.ledgerTable)).filter((c) =>
    payment.some((p) => p.downstreamKey === String(c.pk).slice('CHARGE#'.length)),
  );
  return { payment, charge };
}

describe('no charge without its payment, over real sockets', () => {
  it('keeps every ledger key bounded: a 2,100-character principal pays, and a retry with another amount gets 422', async () => {
    const token = 'p'.repeat(2_100);
    const key = randomUUID();
    const first = await client.pay(token, key, EUR_10);
    expect(first.status).toBe(201);
    const { payment, charge } = await books(first.body.id);
    expect(payment).toEqual([expect.objectContaining({ status: 'succeeded', charge: first.body.charge })]);
    expect(charge).toEqual([expect.objectContaining({ chargeId: first.body.charge, attempts: 1 })]);
    const retry = await client.pay(token, key, { ...EUR_10, amount: 2000 });
    expect(retry.status).toBe(422);
    expect((await books(first.body.id)).charge).toEqual([expect.objectContaining({ attempts: 1 })]);
  });

  it('commits the settled payment and the stored response together: a commit that fails once is retried, and both land', async () => {
    const key = randomUUID();
    const stop = failWhen(functionClient, isCommit, faults.serverError());
    const first = await client.pay('frank', key, EUR_10);
    stop();
    expect(first.status).toBe(201);
    const { payment, charge } = await books(first.body.id);
    expect(payment).toEqual([expect.objectContaining({ status: 'succeeded', charge: first.body.charge })]);
    expect(charge).toEqual([expect.objectContaining({ attempts: 1 })]);
    const replay = await client.pay('frank', key, EUR_10);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
  });

  it('writes neither the settled payment nor the response when the commit keeps failing after the charge: 503, the key stays held, and a read settles the payment', async () => {
    const key = randomUUID();
    const chargesBefore = (await charges(dynamodb, api.ledgerTable)).length;
    const paymentsBefore = new Set((await storedPayments()).map((p) => p.id));
    const stop = failWhen(functionClient, isCommit, faults.serverError(), 100);
    const first = await client.pay('grace', key, EUR_10);
    stop();
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('2');

    // The charge is on the books under its pending payment; no response is stored for the key.
    const pending = (await storedPayments()).filter((p) => !paymentsBefore.has(p.id));
    expect(pending).toEqual([expect.objectContaining({ status: 'pending', charge: null })]);
    expect((await charges(dynamodb, api.ledgerTable)).length).toBe(chargesBefore + 1);
    expect((await idempotencyRecords()).filter((r) => r.status === 'COMPLETED' && r.result?.includes(pending[0]!.id))).toEqual([]);

    // Not released: a retry within the lease is turned away, nothing runs, nothing is charged again.
    const retry = await client.pay('grace', key, EUR_10);
    expect(retry.status).toBe(409);
    expect((await charges(dynamodb, api.ledgerTable)).length).toBe(chargesBefore + 1);

    const read = await client.request('GET', `/payments/${pending[0]!.id}`, { token: 'grace' });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: pending[0]!.id, status: 'succeeded', charge: expect.stringMatching(/^ch_/) });
  });

  it('answers 503 when the charge fails without an answer, keeps the payment pending, and the retry charges once into the same payment', async () => {
    const key = randomUUID();
    const paymentsBefore = new Set((await storedPayments()).map((p) => p.id));
    const stop = failWhen(functionClient, isCharge, faults.timeout());
    const first = await client.pay('heidi', key, EUR_10);
    stop();
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('1');
    const pending = (await storedPayments()).filter((p) => !paymentsBefore.has(p.id));
    expect(pending).toEqual([expect.objectContaining({ status: 'pending', charge: null })]);

    // Released, but safely: the reserved payment binds the key to this request.
    const other = await client.pay('heidi', key, { ...EUR_10, currency: 'usd' });
    expect(other.status).toBe(422);
    expect(other.body.type).toBe(`${PAYMENTS}idempotency-key-reused`);
    const retry = await client.pay('heidi', key, EUR_10);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(pending[0]!.id);
    const { payment, charge } = await books(retry.body.id);
    expect(payment).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    expect(charge).toEqual([expect.objectContaining({ attempts: 1 })]);
  });

  it('records a declined card as a failed payment, answered 402 and replayed', async () => {
    const key = randomUUID();
    const first = await client.pay('ivan', key, { ...EUR_10, source: 'tok_chargeDeclined' });
    expect(first.status).toBe(402);
    expect(first.body).toMatchObject({
      type: `${PAYMENTS}card-declined`,
      payment: expect.stringMatching(/^pay_/),
      charge: expect.stringMatching(/^ch_/),
    });
    expect((await books(first.body.payment)).payment).toEqual([expect.objectContaining({ status: 'failed', charge: first.body.charge })]);
    const read = await client.request('GET', `/payments/${first.body.payment}`, { token: 'ivan' });
    expect(read.body.status).toBe('failed');
  });
});

describe('currencies', () => {
  it.each([
    ['usd', 'USD'],
    ['USD', 'USD'],
    ['eUr', 'EUR'],
    ['xcg', 'XCG'],
    ['jpy', 'JPY'],
  ])('accepts %s as %s', async (given, canonical) => {
    const response = await client.pay('judy', randomUUID(), { ...EUR_10, currency: given });
    expect(response.status).toBe(201);
    expect(response.body.currency).toBe(canonical);
  });

  // ZZZ is no code; BGN and ANG were withdrawn; the long s and the dotless i upper-case to S and I.
  it.each(['ZZZ', 'BGN', 'ANG', 'uſd', 'ınr', 'US', 'USDX', ' usd', 'U+S', 'ＵＳＤ'])(
    'refuses %j with a 400 naming currency, and charges nothing',
    async (currency) => {
      const before = (await charges(dynamodb, api.ledgerTable)).length;
      const response = await client.pay('judy', randomUUID(), { ...EUR_10, currency });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ name: 'currency', reason: expect.stringContaining('ISO 4217') }]);
      expect((await charges(dynamodb, api.ledgerTable)).length).toBe(before);
    },
  );
});

describe('media types', () => {
  it.each([
    [''],
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['application/json; charset=latin1'],
    ['application/jsonp'],
    ['multipart/form-data; boundary=x'],
  ])('answers 415 to Content-Type %j, and charges nothing', async (contentType) => {
    const before = (await charges(dynamodb, api.ledgerTable)).length;
    const response = await client.request('POST', '/payments', {
      token: 'mallory',
      key: randomUUID(),
      body: JSON.stringify(EUR_10),
      headers: { 'Content-Type': contentType },
    });
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.type).toBe(`${PAYMENTS}unsupported-media-type`);
    expect((await charges(dynamodb, api.ledgerTable)).length).toBe(before);
  });

  it.each(['application/json', 'Application/JSON', 'application/json; charset=UTF-8', 'application/json;charset="utf-8"'])(
    'takes %s as JSON',
    async (contentType) => {
      const response = await client.request('POST', '/payments', {
        token: 'mallory',
        key: randomUUID(),
        body: EUR_10,
        headers: { 'Content-Type': contentType },
      });
      expect(response.status).toBe(201);
    },
  );
});
