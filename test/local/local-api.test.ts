import { request as httpRequest, Agent } from 'node:http';
import { connect } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PAYMENT_CORS, PAYMENT_ROUTES } from '../../lambda/payment/payment-routes';
import { MAX_EVENT_BYTES, startLocalApi, type LocalApi, type LocalApiOptions } from '../../lib/local/local-api';
import { MAX_PAYLOAD_BYTES } from '../../lib/local/request-body';
import { rawRequest } from '../support/raw-http';

const LOCAL = 'tag:lambda-idempotency,2026:local/';

/** A function that records what it was handed and does what the test asks. */
function fakeFunction() {
  const events: APIGatewayProxyEventV2[] = [];
  let behaviour: (event: APIGatewayProxyEventV2) => Promise<unknown> = async (event) => ({
    statusCode: 200,
    body: JSON.stringify({ size: Buffer.byteLength(JSON.stringify(event)), bodyLength: event.body?.length ?? 0 }),
  });
  return {
    events,
    handler: async (event: never) => {
      events.push(event);
      return behaviour(event);
    },
    does(next: typeof behaviour) {
      behaviour = next;
    },
  };
}

const apis: LocalApi[] = [];
async function start(options: Partial<LocalApiOptions> = {}) {
  const fn = fakeFunction();
  const errors: string[] = [];
  const api = await startLocalApi({
    handler: fn.handler,
    routes: PAYMENT_ROUTES,
    cors: PAYMENT_CORS,
    errorLog: (line) => void errors.push(line),
    ...options,
  });
  apis.push(api);
  return { api, fn, errors };
}
afterAll(async () => Promise.all(apis.map((api) => api.close())));

const bearer = { Authorization: 'Bearer alice' };

describe('routing as the deployed HTTP API routes', () => {
  it('answers an unknown route or method 404 {"message":"Not Found"} before any authorizer, and runs nothing', async () => {
    const { api, fn } = await start();
    for (const [method, path] of [
      ['PUT', '/payments'],
      ['DELETE', '/payments/pay_1'],
      ['PATCH', '/payments'],
      ['GET', '/refunds'],
      ['GET', '/payments/'],
      ['GET', '/payments/a/b'],
      ['HEAD', '/payments'],
    ] as const) {
      const response = await fetch(`${api.url}${path}`, { method });
      expect([method, path, response.status, response.headers.get('content-type')]).toEqual([method, path, 404, 'application/json']);
      if (method !== 'HEAD') expect(await response.json()).toEqual({ message: 'Not Found' });
    }
    expect(fn.events).toHaveLength(0);
  });

  it('answers a REST API\'s 403 "Missing Authentication Token" in payload 1.0 mode', async () => {
    const { api } = await start({ payloadVersion: '1.0' });
    const response = await fetch(`${api.url}/refunds`, { method: 'POST' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('reads //evil.example/payments as a path, not a host: no route', async () => {
    const { api, fn } = await start();
    const response = await rawRequest(
      api.url,
      'POST //evil.example/payments HTTP/1.1\r\nAuthorization: Bearer alice\r\nContent-Type: application/json',
      Buffer.from('{}'),
    );
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toEqual({ message: 'Not Found' });
    expect(fn.events).toHaveLength(0);
  });

  it('routes an absolute-form target by its path, as RFC 9112 servers must', async () => {
    const { api, fn } = await start();
    const response = await rawRequest(api.url, 'GET http://example.com/payments?limit=2 HTTP/1.1\r\nAuthorization: Bearer alice');
    expect(response.status).toBe(200);
    expect(fn.events.map((event) => [event.routeKey, event.rawPath, event.rawQueryString])).toEqual([
      ['GET /payments', '/payments', 'limit=2'],
    ]);
  });

  it.each(['/payments/%', '/payments/%E0%A4%A', '/payments/%ZZ', '/payments/%C0%AF'])(
    'answers the malformed percent-encoding of %s with a 400 problem, and runs nothing',
    async (path) => {
      const { api, fn } = await start();
      const response = await rawRequest(api.url, `GET ${path} HTTP/1.1\r\nAuthorization: Bearer alice`);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(response.body)).toMatchObject({ type: `${LOCAL}malformed-path`, status: 400 });
      expect(fn.events).toHaveLength(0);
    },
  );

  it('hands the function a percent-decoded path parameter and the raw path', async () => {
    const { api, fn } = await start();
    await fetch(`${api.url}/payments/pay%5F%E2%82%AC`, { headers: bearer });
    expect(fn.events.map((event) => [event.pathParameters, event.rawPath])).toEqual([[{ id: 'pay_€' }, '/payments/pay%5F%E2%82%AC']]);
  });
});

describe('CORS as the deployed HTTP API configures it', () => {
  it('answers a preflight itself, with no token and no OPTIONS route', async () => {
    const { api, fn } = await start();
    const response = await fetch(`${api.url}/payments`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://shop.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'idempotency-key',
      },
    });
    expect(response.status).toBe(204);
    expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET,POST,OPTIONS',
      'access-control-allow-headers': 'authorization,content-type,idempotency-key',
      'access-control-max-age': '3600',
    });
    expect(fn.events).toHaveLength(0);
  });

  it("adds the allow-origin and expose headers to the function's response, in place of the function's own", async () => {
    const { api, fn } = await start();
    fn.does(async () => ({
      statusCode: 201,
      headers: { 'Access-Control-Allow-Origin': 'https://evil.example', Location: '/payments/pay_1' },
      body: '{}',
    }));
    const response = await fetch(`${api.url}/payments`, {
      method: 'POST',
      headers: { ...bearer, Origin: 'https://shop.example' },
      body: '{}',
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toBe('idempotent-replayed,retry-after,location');
    expect(response.headers.get('location')).toBe('/payments/pay_1');
  });
});

describe('payload limits as the deployed stack has them', () => {
  /** What the event adds around a body of `'x'`s of this many digits in its Content-Length. */
  async function overhead(api: LocalApi, length: number) {
    const response = await fetch(`${api.url}/payments`, {
      method: 'POST',
      headers: { ...bearer, 'Content-Type': 'application/json' },
      body: 'x'.repeat(length),
    });
    const { size, bodyLength } = (await response.json()) as { size: number; bodyLength: number };
    return size - bodyLength;
  }

  it("hands over an event one byte under Lambda's 6,291,456-byte limit, and answers 413 at the limit without running anything", async () => {
    const { api, fn } = await start();
    const around = await overhead(api, 6_000_000); // seven digits of Content-Length, as below
    const under = await fetch(`${api.url}/payments`, {
      method: 'POST',
      headers: { ...bearer, 'Content-Type': 'application/json' },
      body: 'x'.repeat(MAX_EVENT_BYTES - around - 1),
    });
    expect(under.status).toBe(200);
    expect(((await under.json()) as { size: number }).size).toBe(MAX_EVENT_BYTES - 1);
    const calls = fn.events.length;
    const at = await fetch(`${api.url}/payments`, {
      method: 'POST',
      headers: { ...bearer, 'Content-Type': 'application/json' },
      body: 'x'.repeat(MAX_EVENT_BYTES - around),
    });
    expect(at.status).toBe(413);
    expect(await at.json()).toEqual({ message: 'Request Entity Too Large' });
    expect(fn.events).toHaveLength(calls);
  });

  it("answers a body over the API's 10 MB quota with 413 and Connection: close, closes the connection cleanly, and serves the next request", async () => {
    const { api, fn } = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (body: Buffer) =>
      new Promise<{ status: number; connection: string | undefined; text: string; socketClosed: Promise<boolean> }>((resolve, reject) => {
        const req = httpRequest(
          `${api.url}/payments`,
          { method: 'POST', agent, headers: { ...bearer, 'Content-Type': 'application/json', 'Content-Length': body.length } },
          (res) => {
            const closed = new Promise<boolean>((done) => {
              res.socket.once('close', (hadError) => done(!hadError));
            });
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, text, socketClosed: closed }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const refused = await send(Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 'x'));
    expect(refused).toMatchObject({ status: 413, connection: 'close', text: JSON.stringify({ message: 'Request Entity Too Large' }) });
    expect(await refused.socketClosed).toBe(true); // closed by the server, without a reset
    const next = await send(Buffer.from('{}'));
    expect(next.status).toBe(200);
    expect(fn.events).toHaveLength(1);
    agent.destroy();
  });

  it('refuses an announced oversized body before it is sent, when the client waits for 100 Continue', async () => {
    const { api, fn } = await start();
    const { port } = new URL(api.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.write(
        `POST /payments HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer alice\r\nContent-Length: ${MAX_PAYLOAD_BYTES + 1}\r\nExpect: 100-continue\r\n\r\n`,
      );
    });
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).not.toMatch(/100 Continue/);
    expect(fn.events).toHaveLength(0);
  });
});

describe('a failing function, as Lambda logs it', () => {
  it('answers 500 {"message":"Internal Server Error"} and logs the error with its stack in Lambda\'s format', async () => {
    const { api, fn, errors } = await start();
    fn.does(async function chargeTheCard() {
      throw new TypeError("Cannot read properties of undefined (reading 'amount')");
    });
    const response = await fetch(`${api.url}/payments`, { method: 'POST', headers: bearer, body: '{}' });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal Server Error' });
    expect(errors).toHaveLength(1);
    const [timestamp, requestId, level, label, json] = errors[0]!.split('\t');
    expect([level, label]).toEqual(['ERROR', 'Invoke Error ']);
    expect(new Date(timestamp!).toISOString()).toBe(timestamp);
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const logged = JSON.parse(json!);
    expect(logged).toMatchObject({ errorType: 'TypeError', errorMessage: "Cannot read properties of undefined (reading 'amount')" });
    expect(logged.stack.join('\n')).toMatch(/at chargeTheCard/);
  });

  it('answers 502 in payload 1.0 mode, as a REST API does', async () => {
    const { api, fn, errors } = await start({ payloadVersion: '1.0' });
    fn.does(async () => Promise.reject(new Error('boom')));
    const response = await fetch(`${api.url}/payments`, { method: 'POST', headers: bearer, body: '{}' });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ message: 'Internal server error' });
    expect(errors[0]).toContain('"errorMessage":"boom"');
  });

  it('fails an invocation past the function timeout as Lambda does: 500, and "Task timed out" in the log', async () => {
    const { api, fn, errors } = await start({ timeoutMs: 200 });
    let release: () => void = () => undefined;
    fn.does(() => new Promise((resolve) => (release = () => resolve({ statusCode: 200 }))));
    const response = await fetch(`${api.url}/payments`, { headers: bearer });
    release();
    expect(response.status).toBe(500);
    expect(errors).toEqual([expect.stringMatching(/ Task timed out after 0\.20 seconds$/)]);
  });
});
