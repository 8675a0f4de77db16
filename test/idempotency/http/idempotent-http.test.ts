import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  IdempotencyInProgressError,
  IdempotencyPayloadMismatchError,
  IdempotencyStoreError,
  idempotentHttp,
  type ApiGatewayEvent,
  type HttpResponse,
  type IdempotentHttpOptions,
} from '../../../lib/idempotency';
import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { MemoryStore } from '../../../lib/idempotency/testing';
import { EVENT_SHAPES, type FixtureRequest } from '../../support/api-gateway-fixtures';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';
import { until } from '../../support/until';

const TYPE = 'tag:lambda-idempotency,2026:problems/';
const json = { 'content-type': 'application/json' } as const;

/** A handler that counts its runs and answers with what `respond` makes of the run number. */
function countingHandler(
  respond: (run: number, event: ApiGatewayEvent) => HttpResponse | Promise<HttpResponse> = (run) => ({
    statusCode: 201,
    headers: {
      'Content-Type': 'application/json',
      Location: `/payments/pay_${run}`,
      'Set-Cookie': 'session=secret',
      'X-Request-Id': `req-${run}`,
    },
    body: JSON.stringify({ id: `pay_${run}` }),
  }),
) {
  const handler = async (event: ApiGatewayEvent) => {
    handler.runs++;
    return respond(handler.runs, event);
  };
  handler.runs = 0;
  return handler;
}

function header(response: unknown, name: string): string | undefined {
  const headers = (response as HttpResponse).headers ?? {};
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return found === undefined ? undefined : String(found[1]);
}

function problemType(response: unknown): string {
  return JSON.parse((response as HttpResponse).body ?? '{}').type;
}

describe.each(EVENT_SHAPES)('idempotentHttp with %s events', (_shape, makeEvent) => {
  /** A POST with the key (if any), then `extraHeaders`; a JSON body unless the request brings one. */
  const post = (key: string | undefined, { headers: extraHeaders = [], ...request }: FixtureRequest = {}) =>
    makeEvent({
      headers: [
        ...(extraHeaders.some(([name]) => name.toLowerCase() === 'content-type')
          ? []
          : [['Content-Type', 'application/json'] as [string, string]]),
        ...(key === undefined ? [] : [['Idempotency-Key', key] as [string, string]]),
        ...extraHeaders,
      ],
      body: '{"amount":1000,"currency":"EUR"}',
      ...request,
    });
  const wrap = (handler: ReturnType<typeof countingHandler>, options: Partial<IdempotentHttpOptions> = {}) =>
    idempotentHttp(handler, { store: new MemoryStore(), logger: recordingLogger(), ...options });

  it('runs a POST once and replays its status, body and safe headers with Idempotent-Replayed: true', async () => {
    const handler = countingHandler();
    const wrapped = wrap(handler);
    const first = (await wrapped(post('key-1'), lambdaContext())) as HttpResponse;
    const second = (await wrapped(post('key-1'), lambdaContext())) as HttpResponse;
    expect(handler.runs).toBe(1);
    expect(first.statusCode).toBe(201);
    expect(header(first, 'Idempotent-Replayed')).toBeUndefined();
    expect(second).toEqual({
      statusCode: 201,
      headers: {
        'Content-Type': 'application/json',
        Location: '/payments/pay_1',
        'Idempotent-Replayed': 'true',
        'Idempotency-Key-Expires': expect.any(String),
      },
      body: '{"id":"pay_1"}',
    });
  });

  it('never stores or replays Set-Cookie, in headers, multiValueHeaders or cookies', async () => {
    const handler = countingHandler(() => ({
      statusCode: 200,
      headers: { 'set-cookie': 'a=1' },
      multiValueHeaders: { 'Set-Cookie': ['b=2'], ETag: ['"v1"'] },
      cookies: ['c=3'],
      body: 'ok',
    }));
    const wrapped = wrap(handler);
    await wrapped(post('k'), lambdaContext());
    const replay = (await wrapped(post('k'), lambdaContext())) as HttpResponse;
    expect(replay).toEqual({
      statusCode: 200,
      headers: { ETag: '"v1"', 'Idempotent-Replayed': 'true', 'Idempotency-Key-Expires': expect.any(String) },
      body: 'ok',
    });
  });

  it('replays a base64 body with isBase64Encoded', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]).toString('base64');
    const wrapped = wrap(
      countingHandler(() => ({ statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: png, isBase64Encoded: true })),
    );
    await wrapped(post('k'), lambdaContext());
    expect(await wrapped(post('k'), lambdaContext())).toMatchObject({ body: png, isBase64Encoded: true });
  });

  it.each(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])('passes %s straight through, with or without a key', async (method) => {
    const handler = countingHandler();
    const wrapped = wrap(handler);
    await wrapped(post(undefined, { method }), lambdaContext());
    await wrapped(post('k', { method }), lambdaContext());
    await wrapped(post('k', { method }), lambdaContext());
    expect(handler.runs).toBe(3);
  });

  it('guards the methods the options name instead', async () => {
    const handler = countingHandler();
    const wrapped = wrap(handler, { methods: ['put'] });
    await wrapped(post('k', { method: 'PUT' }), lambdaContext());
    await wrapped(post('k', { method: 'PUT' }), lambdaContext());
    await wrapped(post(undefined), lambdaContext());
    expect(handler.runs).toBe(2);
  });

  it('answers a POST without a key with a 400 problem, and runs it unprotected only when missingKey says so', async () => {
    const handler = countingHandler();
    const response = (await wrap(handler)(post(undefined), lambdaContext())) as HttpResponse;
    expect(response.statusCode).toBe(400);
    expect(header(response, 'Content-Type')).toBe('application/problem+json');
    expect(JSON.parse(response.body!)).toEqual({
      type: `${TYPE}idempotency-key-missing`,
      title: 'Idempotency-Key header missing',
      status: 400,
      detail: 'POST requests need an Idempotency-Key header, for example a UUID.',
    });
    expect(handler.runs).toBe(0);
    const open = wrap(handler, { missingKey: 'run-without-idempotency' });
    await open(post(undefined), lambdaContext());
    await open(post(undefined), lambdaContext());
    expect(handler.runs).toBe(2);
  });

  it('reads the header in any letter case, and a quoted structured-field string as the same key as the bare token', async () => {
    const handler = countingHandler();
    const wrapped = wrap(handler);
    await wrapped(post(undefined, { headers: [['IDEMPOTENCY-KEY', '8e03978e-40d5']] }), lambdaContext());
    const replay = await wrapped(post(undefined, { headers: [['idempotency-key', '"8e03978e-40d5"']] }), lambdaContext());
    expect(header(replay, 'Idempotent-Replayed')).toBe('true');
    expect(handler.runs).toBe(1);
  });

  it.each([
    ['256 characters', 'k'.repeat(256), /256 characters long; at most 255/],
    ['non-ASCII', 'clé-é', /visible ASCII/],
    ['a space', 'two words', /visible ASCII/],
    ['an empty quoted string', '""', /empty/],
    ['a broken quoted string', '"abc', /well-formed quoted string/],
    ['a stray quote', 'ab"c', /stray quote/],
  ])('answers a key with %s with 400 idempotency-key-invalid and runs nothing', async (_name, key, detail) => {
    const handler = countingHandler();
    const response = await wrap(handler)(post(key), lambdaContext());
    expect(response).toMatchObject({ statusCode: 400 });
    expect(problemType(response)).toBe(`${TYPE}idempotency-key-invalid`);
    expect(JSON.parse((response as HttpResponse).body!).detail).toMatch(detail);
    expect(handler.runs).toBe(0);
  });

  it('answers two different Idempotency-Key values with 400, and accepts the same value sent twice', async () => {
    const handler = countingHandler();
    const wrapped = wrap(handler);
    const twoKeys = await wrapped(
      post(undefined, {
        headers: [
          ['Idempotency-Key', 'a'],
          ['Idempotency-Key', 'b'],
        ],
      }),
      lambdaContext(),
    );
    expect(twoKeys).toMatchObject({ statusCode: 400 });
    expect(problemType(twoKeys)).toBe(`${TYPE}idempotency-key-ambiguous`);
    expect(handler.runs).toBe(0);
    const sameTwice = await wrapped(
      post(undefined, {
        headers: [
          ['Idempotency-Key', 'a'],
          ['Idempotency-Key', '"a"'],
        ],
      }),
      lambdaContext(),
    );
    expect(sameTwice).toMatchObject({ statusCode: 201 });
  });

  it('keeps the same key from two principals apart', async () => {
    const handler = countingHandler();
    const wrapped = wrap(handler);
    const alice = await wrapped(post('shared', { principal: 'alice' }), lambdaContext());
    const bob = await wrapped(post('shared', { principal: 'bob' }), lambdaContext());
    expect(JSON.parse((alice as HttpResponse).body!)).toEqual({ id: 'pay_1' });
    expect(JSON.parse((bob as HttpResponse).body!)).toEqual({ id: 'pay_2' });
    expect(header(bob, 'Idempotent-Replayed')).toBeUndefined();
  });

  it('treats JSON bodies alike whatever their key order and whitespace; any other difference is a 422', async () => {
    const handler = countingHandler();
    const wrapped = wrap(handler);
    await wrapped(post('k', { body: '{"amount":1000,"currency":"EUR"}' }), lambdaContext());
    const reordered = await wrapped(post('k', { body: '{ "currency": "EUR",\n  "amount": 1000 }' }), lambdaContext());
    expect(header(reordered, 'Idempotent-Replayed')).toBe('true');
    const changed = await wrapped(post('k', { body: '{"amount":2000,"currency":"EUR"}' }), lambdaContext());
    expect(changed).toMatchObject({ statusCode: 422 });
    expect(problemType(changed)).toBe(`${TYPE}idempotency-key-reused`);
    const query = await wrapped(post('k', { query: 'expand=true' }), lambdaContext());
    expect(query).toMatchObject({ statusCode: 422 });
    expect(handler.runs).toBe(1);
  });

  it('decodes a base64 body before fingerprinting it', async () => {
    const handler = countingHandler();
    const wrapped = wrap(handler);
    const binary = Buffer.from([1, 2, 3, 250]);
    await wrapped(post('k', { headers: [['Content-Type', 'application/octet-stream']], body: binary }), lambdaContext());
    const same = await wrapped(
      post('k', { headers: [['Content-Type', 'application/octet-stream']], body: Buffer.from(binary) }),
      lambdaContext(),
    );
    expect(header(same, 'Idempotent-Replayed')).toBe('true');
    const other = await wrapped(
      post('k', { headers: [['Content-Type', 'application/octet-stream']], body: Buffer.from([1, 2, 3, 251]) }),
      lambdaContext(),
    );
    expect(other).toMatchObject({ statusCode: 422 });
  });

  it.each([[402], [404]])('stores and replays a definitive %i', async (status) => {
    const handler = countingHandler(() => ({ statusCode: status, headers: json, body: '{"declined":true}' }));
    const wrapped = wrap(handler);
    await wrapped(post('k'), lambdaContext());
    const replay = await wrapped(post('k'), lambdaContext());
    expect(replay).toMatchObject({ statusCode: status, body: '{"declined":true}' });
    expect(header(replay, 'Idempotent-Replayed')).toBe('true');
    expect(handler.runs).toBe(1);
  });

  it.each([[400], [408], [409], [422], [429], [500], [503]])('releases a %i, so a retry with the same key runs again', async (status) => {
    const handler = countingHandler((run) => ({ statusCode: run === 1 ? status : 201, headers: json, body: `{"run":${run}}` }));
    const wrapped = wrap(handler);
    expect(await wrapped(post('k'), lambdaContext())).toMatchObject({ statusCode: status });
    const retry = await wrapped(post('k'), lambdaContext());
    expect(retry).toMatchObject({ statusCode: 201, body: '{"run":2}' });
    expect(header(retry, 'Idempotent-Replayed')).toBeUndefined();
  });

  it('follows isFinalStatus when given', async () => {
    const handler = countingHandler(() => ({ statusCode: 503, body: 'down' }));
    const wrapped = wrap(handler, { isFinalStatus: () => true });
    await wrapped(post('k'), lambdaContext());
    expect(await wrapped(post('k'), lambdaContext())).toMatchObject({
      statusCode: 503,
      headers: { 'Idempotent-Replayed': 'true', 'Idempotency-Key-Expires': expect.any(String) },
    });
  });

  it('frees the key when the response cannot be read (isFinalStatus throws), so a retry runs', async () => {
    const handler = countingHandler();
    const broken = new Error('policy bug');
    let calls = 0;
    const wrapped = wrap(handler, {
      isFinalStatus: () => {
        if (++calls === 1) throw broken;
        return true;
      },
    });
    await expect(wrapped(post('k'), lambdaContext())).rejects.toBe(broken);
    expect(await wrapped(post('k'), lambdaContext())).toMatchObject({ statusCode: 201 });
    expect(handler.runs).toBe(2);
  });

  it('rethrows a thrown error unchanged and releases the key', async () => {
    const boom = new Error('handler bug');
    const handler = countingHandler((run) => (run === 1 ? Promise.reject(boom) : { statusCode: 201, body: 'ok' }));
    const wrapped = wrap(handler);
    await expect(wrapped(post('k'), lambdaContext())).rejects.toBe(boom);
    await expect(wrapped(post('k'), lambdaContext())).resolves.toMatchObject({ statusCode: 201 });
  });

  it.each([
    ['in progress', new IdempotencyInProgressError(3)],
    ['a store failure', new IdempotencyStoreError('inner store down', new Error('cause'))],
    ['a payload mismatch', new IdempotencyPayloadMismatchError()],
  ])(
    "rethrows the handler's own IdempotencyError (%s, from a nested idempotent call) unchanged, never as the outer request's answer",
    async (_kind, nested) => {
      const handler = countingHandler((run) => (run === 1 ? Promise.reject(nested) : { statusCode: 201, body: 'ok' }));
      const wrapped = wrap(handler);
      await expect(wrapped(post('k'), lambdaContext())).rejects.toBe(nested);
      await expect(wrapped(post('k'), lambdaContext())).resolves.toMatchObject({ statusCode: 201, body: 'ok' });
    },
  );

  it('answers a duplicate of a running request with 409 and Retry-After once its wait is over', async () => {
    // The first run finishes only once the duplicate has its answer: no race with the clock on a loaded machine.
    let finish = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const handler = countingHandler(() => finished.then(() => ({ statusCode: 201, body: 'slow' })));
    const wrapped = wrap(handler, { inFlightWaitMs: 50 });
    const first = wrapped(post('k'), lambdaContext());
    await until(() => handler.runs === 1);
    const duplicate = await wrapped(post('k'), lambdaContext());
    finish();
    expect(duplicate).toMatchObject({ statusCode: 409 });
    expect(problemType(duplicate)).toBe(`${TYPE}request-in-progress`);
    expect(Number(header(duplicate, 'Retry-After'))).toBeGreaterThanOrEqual(1);
    await first;
    expect(handler.runs).toBe(1);
  });

  it('hands a waiting duplicate the first response', async () => {
    const handler = countingHandler(() => sleep(200).then(() => ({ statusCode: 201, body: 'first' })));
    const wrapped = wrap(handler);
    const first = wrapped(post('k'), lambdaContext());
    await until(() => handler.runs === 1);
    await expect(wrapped(post('k'), lambdaContext())).resolves.toMatchObject({
      statusCode: 201,
      body: 'first',
      headers: { 'Idempotent-Replayed': 'true', 'Idempotency-Key-Expires': expect.any(String) },
    });
    await first;
  });

  it('replays a bare HTTP API result as the explicit 200 JSON response it stands for', async () => {
    const wrapped = idempotentHttp(async () => ({ ok: true }), { store: new MemoryStore() });
    expect(await wrapped(post('k'), lambdaContext())).toEqual({ ok: true });
    expect(await wrapped(post('k'), lambdaContext())).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json', 'Idempotent-Replayed': 'true', 'Idempotency-Key-Expires': expect.any(String) },
      body: '{"ok":true}',
    });
  });
});

describe('idempotentHttp when the store fails', () => {
  it('answers 503 with Retry-After and runs nothing', async () => {
    const client = new DynamoDBClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    mock
      .on(PutItemCommand)
      .rejects(Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' }));
    let runs = 0;
    const wrapped = idempotentHttp(async () => ({ statusCode: 201, body: String(++runs) }), {
      store: new DynamoDbStore({ tableName: 't', client }),
      logger: recordingLogger(),
    });
    const response = await wrapped(EVENT_SHAPES[1][1]({ headers: [['Idempotency-Key', 'k']], body: '{}' }), lambdaContext());
    expect(response).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '2', 'Content-Type': 'application/problem+json' } });
    expect(problemType(response)).toBe(`${TYPE}idempotency-store-unavailable`);
    expect(runs).toBe(0);
    mock.restore();
  });
});

describe('idempotentHttp options', () => {
  const store = new MemoryStore();
  it.each([
    ['methods', 'POST', 'Expected `methods` to be an array of HTTP method names, got "POST"'],
    ['missingKey', 'optional', "Expected `missingKey` to be 'reject' or 'run-without-idempotency', got \"optional\""],
    ['isFinalStatus', 201, 'Expected `isFinalStatus` to be a function, got 201'],
    ['replayedHeaders', 'etag', 'Expected `replayedHeaders` to be an array of header names, got "etag"'],
    ['problemTypeBase', 'problems/', 'Expected `problemTypeBase` to be an absolute URI prefix, got "problems/"'],
    ['inFlightWaitMs', -1, 'Expected `inFlightWaitMs` to be a non-negative integer, got -1'],
  ])('throws a TypeError naming `%s` when wrapping', (name, value, message) => {
    expect(() => idempotentHttp(async () => ({ statusCode: 200 }), { store, [name]: value })).toThrow(new TypeError(message));
  });
});
