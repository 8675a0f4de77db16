import { randomUUID } from 'node:crypto';
import { startLocalPaymentApi, type LocalPaymentApi } from '../../lib/local/local-payment-api';
import { scanAll, testClient } from '../support/dynamodb';
import { recordingLogger } from '../support/silent-logger';
import { charges, paymentClient } from '../support/payment-api-client';
import { rawRequest } from '../support/raw-http';

const PROBLEMS = 'tag:lambda-idempotency,2026:problems/';
const PAYMENTS = 'tag:lambda-idempotency,2026:payments/';
const LOCAL = 'tag:lambda-idempotency,2026:local/';
const VALID = { amount: 1000, currency: 'EUR', source: 'tok_visa' };

/** One hostile or malformed request, what it must get, and the key a valid retry then uses. */
interface Abuse {
  name: string;
  send: (api: LocalPaymentApi, key: string) => Promise<{ status: number; type: string | undefined }>;
  status: number;
  type: string | undefined;
}

const dynamodb = testClient();
let api: LocalPaymentApi;
let client: ReturnType<typeof paymentClient>;

beforeAll(async () => {
  api = await startLocalPaymentApi({ client: dynamodb, idempotency: { logger: recordingLogger() }, idempotencyTable: `idem-${randomUUID()}`, ledgerTable: `ledger-${randomUUID()}` });
  client = paymentClient(api.url);
});
afterAll(() => api.close());

function typeOf(body: unknown): string | undefined {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body).type;
    } catch {
      return undefined;
    }
  }
  return (body as { type?: string } | null)?.type;
}

/** Through fetch: anything a well-behaved HTTP client can send. */
function viaFetch(method: string, path: string, init: { key?: string | null; token?: string | null; body?: unknown; headers?: Record<string, string> }) {
  return async (_api: LocalPaymentApi, key: string) => {
    const response = await client.request(method, path, {
      token: init.token === null ? undefined : init.token ?? 'alice',
      key: init.key === null ? undefined : init.key ?? key,
      body: init.body,
      headers: init.headers,
    });
    return { status: response.status, type: typeOf(response.body) };
  };
}

/** Over a raw socket: header bytes no HTTP client library would send. */
function viaSocket(keyHeaderLine: string, encoding: BufferEncoding = 'latin1') {
  return async (theApi: LocalPaymentApi) => {
    const head = `POST /payments HTTP/1.1\r\nAuthorization: Bearer alice\r\nContent-Type: application/json\r\n${keyHeaderLine}`;
    const response = await rawRequest(theApi.url, head, Buffer.from(JSON.stringify(VALID)), encoding);
    return { status: response.status, type: typeOf(response.body) };
  };
}

const post = (init: Parameters<typeof viaFetch>[2]) => viaFetch('POST', '/payments', init);
const withBody = (body: unknown, headers?: Record<string, string>) => post({ body, headers });

const catalogue: Abuse[] = [
  // The key
  { name: 'no Idempotency-Key', send: post({ key: null, body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-missing` },
  { name: 'an empty key', send: post({ key: '', body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'a key of spaces', send: post({ key: '   ', body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'a 256-character key', send: post({ key: 'k'.repeat(256), body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'a 10,000-character key', send: post({ key: 'k'.repeat(10_000), body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'a key with a tab', send: post({ key: 'ab\tcd', body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'a key with a space inside', send: post({ key: 'ab cd', body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'a key with DEL (raw bytes)', send: viaSocket('Idempotency-Key: abc\x7fdef'), status: 400, type: undefined },
  { name: 'a latin-1 key (raw bytes)', send: viaSocket('Idempotency-Key: cl\xe9'), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'a UTF-8 key (raw bytes)', send: viaSocket('Idempotency-Key: 支払い-1', 'utf8'), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'an empty quoted key', send: post({ key: '""', body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'an unterminated quoted key', send: post({ key: '"abc', body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'a stray quote in a bare key', send: post({ key: 'ab"c', body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'an unknown escape in a quoted key', send: post({ key: '"a\\b"', body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'two different keys in two headers', send: viaSocket('Idempotency-Key: key-a\r\nIdempotency-Key: key-b'), status: 400, type: `${PROBLEMS}idempotency-key-ambiguous` },
  { name: 'two different keys in one header', send: post({ key: 'key-a, key-b', body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-ambiguous` },
  // The body
  { name: 'a body that is not JSON', send: withBody('{"amount": 1000,'), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'an empty body', send: post({ headers: { 'Content-Type': 'application/json' } }), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'a JSON array', send: withBody([VALID]), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'JSON null', send: withBody('null'), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'an amount as a string', send: withBody({ ...VALID, amount: '1000' }), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'a negative amount', send: withBody({ ...VALID, amount: -5 }), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'a fractional amount', send: withBody({ ...VALID, amount: 10.5 }), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'an amount of 1e20', send: withBody({ ...VALID, amount: 1e20 }), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'a lower-case currency', send: withBody({ ...VALID, currency: 'eur' }), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'an unknown source token', send: withBody({ ...VALID, source: 'tok_stolen' }), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'a __proto__ payload', send: withBody('{"__proto__":{"amount":1000,"currency":"EUR","source":"tok_visa"}}'), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'binary garbage (base64 to the handler)', send: withBody(Buffer.from([0xff, 0x00, 0xfe]).toString('latin1'), { 'Content-Type': 'application/octet-stream' }), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'a body over 10 MB', send: withBody('x'.repeat(10 * 1024 * 1024 + 1)), status: 413, type: undefined },
  // Methods and routes
  { name: 'PUT /payments', send: viaFetch('PUT', '/payments', { body: VALID }), status: 404, type: undefined },
  { name: 'DELETE /payments/{id}', send: viaFetch('DELETE', '/payments/pay_1', {}), status: 404, type: undefined },
  { name: 'a made-up method', send: viaFetch('PURGE', '/payments', { body: VALID }), status: 404, type: undefined },
  // Authorization
  { name: 'no Authorization', send: post({ token: null, body: VALID }), status: 401, type: `${LOCAL}unauthorized` },
  { name: 'Basic instead of Bearer', send: post({ token: null, body: VALID, headers: { Authorization: 'Basic YWxpY2U6cHc=' } }), status: 401, type: `${LOCAL}unauthorized` },
  { name: 'an empty bearer token', send: post({ token: null, body: VALID, headers: { Authorization: 'Bearer ' } }), status: 401, type: `${LOCAL}unauthorized` },
];

describe('the abuse catalogue, through the local API over real sockets', () => {
  it.each(catalogue.map((abuse) => [abuse.name, abuse] as const))(
    'answers %s precisely, stores nothing, and a valid request with the same key then behaves as if it never came',
    async (_name, abuse) => {
      const key = randomUUID();
      const recordsBefore = (await scanAll(dynamodb, api.idempotencyTable)).length;
      const chargesBefore = (await charges(dynamodb, api.ledgerTable)).length;

      const answer = await abuse.send(api, key);
      expect(answer).toEqual({ status: abuse.status, type: abuse.type });
      expect((await scanAll(dynamodb, api.idempotencyTable)).length).toBe(recordsBefore);
      expect((await charges(dynamodb, api.ledgerTable)).length).toBe(chargesBefore);

      const honest = await client.pay('alice', key, VALID);
      expect(honest.status).toBe(201);
      expect(honest.headers.get('idempotent-replayed')).toBeNull();
      expect((await charges(dynamodb, api.ledgerTable)).length).toBe(chargesBefore + 1);
    },
  );

  it('ignores forged identity headers: the principal comes from the authorizer alone', async () => {
    const key = randomUUID();
    const alice = await client.pay('alice', key, VALID);
    const forged = await client.request('POST', '/payments', {
      token: 'mallory',
      key,
      body: VALID,
      headers: { 'X-Amzn-Oidc-Identity': 'alice', 'X-Forwarded-User': 'alice', 'X-Principal': 'alice' },
    });
    expect(forged.status).toBe(201);
    expect(forged.headers.get('idempotent-replayed')).toBeNull();
    expect(forged.body.id).not.toBe(alice.body.id);
    expect((await client.request('GET', `/payments/${alice.body.id}`, { token: 'mallory' })).status).toBe(404);
  });

  it('accepts the same key sent twice, and a quoted key with an escaped quote', async () => {
    const twice = await viaSocket('Idempotency-Key: same-key-1\r\nIdempotency-Key: "same-key-1"')(api);
    expect(twice.status).toBe(201);
    const escaped = await client.pay('alice', '"a\\"b"', VALID);
    const bare = await client.pay('alice', 'a"b', VALID);
    expect(escaped.status).toBe(201);
    expect(bare.status).toBe(400); // a bare token may not contain a quote…
    const again = await client.pay('alice', '"a\\"b"', VALID);
    expect(again.headers.get('idempotent-replayed')).toBe('true'); // …but the quoted form is a key like any other
  });
});
