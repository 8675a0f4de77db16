import { randomUUID } from 'node:crypto';
import { startLocalPaymentApi, type LocalPaymentApi } from '../../lib/local/local-payment-api';
import { scanAll, testClient } from '../support/dynamodb';
import { recordingLogger } from '../support/silent-logger';
import { charges, chargesWithoutPayment, paymentClient } from '../support/payment-api-client';
import { rawRequest } from '../support/raw-http';

const PROBLEMS = 'tag:lambda-idempotency,2026:problems/';
const PAYMENTS = 'tag:lambda-idempotency,2026:payments/';
const LOCAL = 'tag:lambda-idempotency,2026:local/';
/** API Gateway's own answers carry `{"message": …}` and no problem type. */
const GATEWAY = undefined;
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
  api = await startLocalPaymentApi({
    client: dynamodb,
    idempotency: { logger: recordingLogger() },
    idempotencyTable: `idem-${randomUUID()}`,
    ledgerTable: `ledger-${randomUUID()}`,
  });
  client = paymentClient(api.url);
});
afterAll(() => api.close());
// Whatever a test in this file sent, every charge the gateway made has its payment in the ledger.
afterEach(async () => {
  expect(await chargesWithoutPayment(dynamodb, api.ledgerTable)).toEqual([]);
});

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
function viaFetch(
  method: string,
  path: string,
  init: { key?: string | null; token?: string | null; body?: unknown; headers?: Record<string, string> },
) {
  return async (_api: LocalPaymentApi, key: string) => {
    const response = await client.request(method, path, {
      token: init.token === null ? undefined : (init.token ?? 'alice'),
      key: init.key === null ? undefined : (init.key ?? key),
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

/** Over a raw socket, any request line: paths that fetch would normalise, bodies without a Content-Type. */
function viaRaw(requestLine: string, headerLines: string[] = [], body = Buffer.alloc(0)) {
  return async (theApi: LocalPaymentApi, key: string) => {
    const head = [requestLine, 'Authorization: Bearer alice', `Idempotency-Key: ${key}`, ...headerLines].join('\r\n');
    const response = await rawRequest(theApi.url, head, body);
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
  {
    name: 'a 256-character key',
    send: post({ key: 'k'.repeat(256), body: VALID }),
    status: 400,
    type: `${PROBLEMS}idempotency-key-invalid`,
  },
  {
    name: 'a 10,000-character key',
    send: post({ key: 'k'.repeat(10_000), body: VALID }),
    status: 400,
    type: `${PROBLEMS}idempotency-key-invalid`,
  },
  { name: 'a key with a tab', send: post({ key: 'ab\tcd', body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'a key with a space inside', send: post({ key: 'ab cd', body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'a key with DEL (raw bytes)', send: viaSocket('Idempotency-Key: abc\x7fdef'), status: 400, type: undefined },
  {
    name: 'a latin-1 key (raw bytes)',
    send: viaSocket('Idempotency-Key: cl\xe9'),
    status: 400,
    type: `${PROBLEMS}idempotency-key-invalid`,
  },
  {
    name: 'a UTF-8 key (raw bytes)',
    send: viaSocket('Idempotency-Key: 支払い-1', 'utf8'),
    status: 400,
    type: `${PROBLEMS}idempotency-key-invalid`,
  },
  { name: 'an empty quoted key', send: post({ key: '""', body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  { name: 'an unterminated quoted key', send: post({ key: '"abc', body: VALID }), status: 400, type: `${PROBLEMS}idempotency-key-invalid` },
  {
    name: 'a stray quote in a bare key',
    send: post({ key: 'ab"c', body: VALID }),
    status: 400,
    type: `${PROBLEMS}idempotency-key-invalid`,
  },
  {
    name: 'an unknown escape in a quoted key',
    send: post({ key: '"a\\b"', body: VALID }),
    status: 400,
    type: `${PROBLEMS}idempotency-key-invalid`,
  },
  {
    name: 'two different keys in two headers',
    send: viaSocket('Idempotency-Key: key-a\r\nIdempotency-Key: key-b'),
    status: 400,
    type: `${PROBLEMS}idempotency-key-ambiguous`,
  },
  {
    name: 'two different keys in one header',
    send: post({ key: 'key-a, key-b', body: VALID }),
    status: 400,
    type: `${PROBLEMS}idempotency-key-ambiguous`,
  },
  // The body
  { name: 'a body that is not JSON', send: withBody('{"amount": 1000,'), status: 400, type: `${PAYMENTS}invalid-request` },
  {
    name: 'an empty body',
    send: post({ headers: { 'Content-Type': 'application/json' } }),
    status: 400,
    type: `${PAYMENTS}invalid-request`,
  },
  { name: 'a JSON array', send: withBody([VALID]), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'JSON null', send: withBody('null'), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'an amount as a string', send: withBody({ ...VALID, amount: '1000' }), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'a negative amount', send: withBody({ ...VALID, amount: -5 }), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'a fractional amount', send: withBody({ ...VALID, amount: 10.5 }), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'an amount of 1e20', send: withBody({ ...VALID, amount: 1e20 }), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'an amount of 0', send: withBody({ ...VALID, amount: 0 }), status: 400, type: `${PAYMENTS}invalid-request` },
  {
    name: 'an amount of 1e400 (Infinity once parsed)',
    send: withBody('{"amount":1e400,"currency":"EUR","source":"tok_visa"}'),
    status: 400,
    type: `${PAYMENTS}invalid-request`,
  },
  {
    name: 'a deeply nested 100 KB body',
    send: withBody('['.repeat(50_000) + ']'.repeat(50_000)),
    status: 413,
    type: `${PAYMENTS}payload-too-large`,
  },
  {
    name: 'a 3 KB nesting bomb (1,500 levels)',
    send: withBody('['.repeat(1_500) + ']'.repeat(1_500)),
    status: 400,
    type: `${PAYMENTS}invalid-request`,
  },
  {
    name: 'two Content-Type headers (raw)',
    send: viaRaw(
      'POST /payments HTTP/1.1',
      ['Content-Type: application/json', 'Content-Type: text/plain'],
      Buffer.from(JSON.stringify(VALID)),
    ),
    status: 415,
    type: `${PAYMENTS}unsupported-media-type`,
  },
  {
    name: 'a currency that is no ISO 4217 code',
    send: withBody({ ...VALID, currency: 'ZZZ' }),
    status: 400,
    type: `${PAYMENTS}invalid-request`,
  },
  { name: 'a withdrawn currency (BGN)', send: withBody({ ...VALID, currency: 'BGN' }), status: 400, type: `${PAYMENTS}invalid-request` },
  {
    name: 'a currency with a long s (uſd)',
    send: withBody({ ...VALID, currency: 'uſd' }),
    status: 400,
    type: `${PAYMENTS}invalid-request`,
  },
  {
    name: 'a currency with a dotless i (ınr)',
    send: withBody({ ...VALID, currency: 'ınr' }),
    status: 400,
    type: `${PAYMENTS}invalid-request`,
  },
  {
    name: 'a 2,000-character source token',
    send: withBody({ ...VALID, source: `tok_${'x'.repeat(2_000)}` }),
    status: 400,
    type: `${PAYMENTS}invalid-request`,
  },
  {
    name: 'an unknown field',
    send: withBody({ ...VALID, metadata: { note: 'x'.repeat(1_000) } }),
    status: 400,
    type: `${PAYMENTS}invalid-request`,
  },
  { name: 'an unknown source token', send: withBody({ ...VALID, source: 'tok_stolen' }), status: 400, type: `${PAYMENTS}invalid-request` },
  {
    name: 'a __proto__ payload',
    send: withBody('{"__proto__":{"amount":1000,"currency":"EUR","source":"tok_visa"}}'),
    status: 400,
    type: `${PAYMENTS}invalid-request`,
  },
  {
    name: 'JSON that is not UTF-8 (latin-1 bytes)',
    send: viaRaw(
      'POST /payments HTTP/1.1',
      ['Content-Type: application/json'],
      Buffer.from('{"amount":1000,"currency":"EUR","source":"tok_visa","x":"\xe9"}', 'latin1'),
    ),
    status: 400,
    type: `${PAYMENTS}invalid-request`,
  },
  {
    name: 'binary garbage (base64 to the handler)',
    send: withBody(Buffer.from([0xff, 0x00, 0xfe]).toString('latin1'), { 'Content-Type': 'application/octet-stream' }),
    status: 415,
    type: `${PAYMENTS}unsupported-media-type`,
  },
  {
    name: 'no Content-Type (raw bytes)',
    send: viaRaw('POST /payments HTTP/1.1', [], Buffer.from(JSON.stringify(VALID))),
    status: 415,
    type: `${PAYMENTS}unsupported-media-type`,
  },
  {
    name: 'Content-Type text/plain',
    send: withBody(JSON.stringify(VALID), { 'Content-Type': 'text/plain' }),
    status: 415,
    type: `${PAYMENTS}unsupported-media-type`,
  },
  {
    name: 'a 5 KB payment body',
    send: withBody({ ...VALID, padding: 'x'.repeat(5_000) }),
    status: 413,
    type: `${PAYMENTS}payload-too-large`,
  },
  { name: "a body over Lambda's 6 MB limit", send: withBody('x'.repeat(6 * 1024 * 1024)), status: 413, type: GATEWAY },
  { name: 'a body over 10 MB', send: withBody('x'.repeat(10 * 1024 * 1024 + 1)), status: 413, type: GATEWAY },
  // Methods and routes
  { name: 'PUT /payments', send: viaFetch('PUT', '/payments', { body: VALID }), status: 404, type: GATEWAY },
  { name: 'DELETE /payments/{id}', send: viaFetch('DELETE', '/payments/pay_1', {}), status: 404, type: GATEWAY },
  { name: 'a made-up method', send: viaFetch('PURGE', '/payments', { body: VALID }), status: 404, type: GATEWAY },
  { name: 'HEAD /payments', send: viaFetch('HEAD', '/payments', {}), status: 404, type: GATEWAY },
  { name: 'OPTIONS /payments that is no preflight', send: viaFetch('OPTIONS', '/payments', {}), status: 404, type: GATEWAY },
  { name: 'an unknown route', send: viaFetch('POST', '/refunds', { body: VALID }), status: 404, type: GATEWAY },
  { name: 'a trailing slash', send: viaFetch('POST', '/payments/', { body: VALID }), status: 404, type: GATEWAY },
  {
    name: 'POST //evil.example/payments (raw)',
    send: viaRaw('POST //evil.example/payments HTTP/1.1', ['Content-Type: application/json'], Buffer.from(JSON.stringify(VALID))),
    status: 404,
    type: GATEWAY,
  },
  { name: 'GET /payments/% (raw)', send: viaRaw('GET /payments/% HTTP/1.1'), status: 400, type: `${LOCAL}malformed-path` },
  { name: 'GET /payments/%E0%A4%A (raw)', send: viaRaw('GET /payments/%E0%A4%A HTTP/1.1'), status: 400, type: `${LOCAL}malformed-path` },
  {
    name: 'GET /payments/{1,100 characters}',
    send: viaFetch('GET', `/payments/${'x'.repeat(1_100)}`, {}),
    status: 404,
    type: `${PAYMENTS}not-found`,
  },
  { name: 'GET /payments/{not an id}', send: viaFetch('GET', '/payments/pay_../../etc', {}), status: 404, type: `${PAYMENTS}not-found` },
  { name: 'GET /payments?limit=0', send: viaFetch('GET', '/payments?limit=0', {}), status: 400, type: `${PAYMENTS}invalid-request` },
  { name: 'GET /payments?limit=1e9', send: viaFetch('GET', '/payments?limit=1e9', {}), status: 400, type: `${PAYMENTS}invalid-request` },
  {
    name: 'GET /payments with a malformed cursor',
    send: viaFetch('GET', `/payments?starting_after=${'%FF'.repeat(400)}`, {}),
    status: 400,
    type: `${PAYMENTS}invalid-request`,
  },
  // Authorization
  { name: 'no Authorization', send: post({ token: null, body: VALID }), status: 401, type: `${LOCAL}unauthorized` },
  {
    name: 'Basic instead of Bearer',
    send: post({ token: null, body: VALID, headers: { Authorization: 'Basic YWxpY2U6cHc=' } }),
    status: 401,
    type: `${LOCAL}unauthorized`,
  },
  {
    name: 'an empty bearer token',
    send: post({ token: null, body: VALID, headers: { Authorization: 'Bearer ' } }),
    status: 401,
    type: `${LOCAL}unauthorized`,
  },
];

describe('the abuse catalogue, through the local API over real sockets', () => {
  it.each(catalogue.map((abuse) => [abuse.name, abuse] as const))(
    'answers %s precisely, never 5xx, stores and charges nothing, and a valid request with the same key then behaves as if it never came',
    async (_name, abuse) => {
      const key = randomUUID();
      const recordsBefore = (await scanAll(dynamodb, api.idempotencyTable)).length;
      const chargesBefore = (await charges(dynamodb, api.ledgerTable)).length;

      const answer = await abuse.send(api, key);
      expect(answer).toEqual({ status: abuse.status, type: abuse.type });
      expect(answer.status).toBeLessThan(500); // a caller's mistake is never the server's error
      expect((await scanAll(dynamodb, api.idempotencyTable)).length).toBe(recordsBefore);
      expect((await charges(dynamodb, api.ledgerTable)).length).toBe(chargesBefore);
      expect(await chargesWithoutPayment(dynamodb, api.ledgerTable)).toEqual([]);

      const honest = await client.pay('alice', key, VALID);
      expect(honest.status).toBe(201);
      expect(honest.headers.get('idempotent-replayed')).toBeNull();
      expect((await charges(dynamodb, api.ledgerTable)).length).toBe(chargesBefore + 1);
      expect(await chargesWithoutPayment(dynamodb, api.ledgerTable)).toEqual([]);
    },
  );

  // Hostile, but within the rules: each is served, charged once, and the charge has its payment.
  it.each([
    ['a 2,100-character bearer token', 'p'.repeat(2_100), VALID, 'EUR'],
    ['a lower-case currency', 'alice', { ...VALID, currency: 'usd' }, 'USD'],
    ['a mixed-case currency', 'alice', { ...VALID, currency: 'cHf' }, 'CHF'],
  ])('serves %s with one charge and its payment, never a 5xx', async (_name, token, body, currency) => {
    const chargesBefore = (await charges(dynamodb, api.ledgerTable)).length;
    const response = await client.pay(token, randomUUID(), body);
    expect(response.status).toBe(201);
    expect(response.body.currency).toBe(currency);
    expect((await charges(dynamodb, api.ledgerTable)).length).toBe(chargesBefore + 1);
    expect(await chargesWithoutPayment(dynamodb, api.ledgerTable)).toEqual([]);
  });

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
