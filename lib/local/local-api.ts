import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { httpApiEvent, restApiEvent, type LocalRequest, type MatchedRoute } from './api-events';
import { localLambdaContext } from './lambda-context';

/** A route the local API serves, with `{name}` path parameters: `GET /payments/{id}`. */
export interface RouteSpec {
  readonly method: string;
  readonly resource: string;
}

/** Options of `startLocalApi`. */
export interface LocalApiOptions {
  readonly handler: (event: never, context: Context) => Promise<unknown>;
  readonly routes: readonly RouteSpec[];
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** The event shape: HTTP API (2.0, as the deployed stack) or REST (1.0). @default '2.0' */
  readonly payloadVersion?: '1.0' | '2.0';
  /** The function timeout: the handler's remaining time starts here, and API Gateway answers 504 past it. @default 10000 */
  readonly timeoutMs?: number;
  /** The function name in the context. @default 'payment-local' */
  readonly functionName?: string;
  /** One line per request; `undefined` to stay quiet. @default undefined */
  readonly log?: (line: string) => void;
}

/** A running local API. */
export interface LocalApi {
  readonly url: string;
  close(): Promise<void>;
}

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * A small stand-in for API Gateway on localhost: routes requests, checks the bearer token the way the
 * deployed authorizer would (locally, the token itself is the principal), builds the real event shape
 * and sends the handler's response back as API Gateway does. For development and tests only.
 */
export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const server = createServer((req, res) => {
    const started = Date.now();
    serve(req, res, options)
      .catch(() => send(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Internal Server Error' })))
      .finally(() => {
        const replayed = res.getHeader('idempotent-replayed') === 'true';
        options.log?.(`${req.method} ${req.url} ${res.statusCode}${replayed ? ' replayed' : ''} ${Date.now() - started}ms`);
      });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, options: LocalApiOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = (req.method ?? 'GET').toUpperCase();
  const body = await readBody(req);
  if (body === undefined) return sendJson(res, 413, { message: 'Request Entity Too Large' });
  const route = matchRoute(options.routes, method, url.pathname);
  if (!route) return sendJson(res, 404, { message: 'Not Found' });

  const principal = bearerToken(req.headers.authorization);
  if (!principal) {
    return send(res, 401, { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer' }, JSON.stringify({
      type: 'tag:lambda-idempotency,2026:local/unauthorized',
      title: 'Unauthorized',
      status: 401,
      detail: 'Send `Authorization: Bearer <token>`; locally, the token is your principal.',
    }));
  }

  const headers: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  const request: LocalRequest = { method, path: url.pathname, rawQuery: url.search.slice(1), headers, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', principal };
  const event = options.payloadVersion === '1.0' ? restApiEvent(request, route) : httpApiEvent(request, route);

  const timeoutMs = options.timeoutMs ?? 10_000;
  const context = localLambdaContext(timeoutMs, options.functionName ?? 'payment-local');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const result = await Promise.race([options.handler(event as never, context), timedOut]);
    if (result === 'timeout') return sendJson(res, 504, { message: 'Endpoint request timed out' });
    sendResult(res, result, options.payloadVersion ?? '2.0');
  } catch {
    // What API Gateway answers when the function throws.
    if (options.payloadVersion === '1.0') sendJson(res, 502, { message: 'Internal server error' });
    else sendJson(res, 500, { message: 'Internal Server Error' });
  } finally {
    clearTimeout(timer);
  }
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** Matches `/payments/pay_1` to `/payments/{id}`, capturing `id`. */
export function matchRoute(routes: readonly RouteSpec[], method: string, path: string): MatchedRoute | undefined {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const template = route.resource.split('/');
    if (template.length !== segments.length) continue;
    const parameters: Record<string, string> = {};
    const matches = template.every((part, i) => {
      const segment = segments[i]!;
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name) {
        if (segment === '') return false;
        parameters[name] = decodeURIComponent(segment);
        return true;
      }
      return part === segment;
    });
    if (matches) return { method, resource: route.resource, pathParameters: Object.keys(parameters).length > 0 ? parameters : null };
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

interface LambdaHttpResult {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, (string | number | boolean)[]>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

function sendResult(res: ServerResponse, result: unknown, payloadVersion: '1.0' | '2.0'): void {
  const structured = typeof result === 'object' && result !== null && 'statusCode' in result;
  if (!structured) {
    if (payloadVersion === '1.0') return sendJson(res, 502, { message: 'Internal server error' });
    // HTTP API sends a bare value as 200 JSON.
    return send(res, 200, { 'content-type': 'application/json' }, typeof result === 'string' ? result : JSON.stringify(result ?? null));
  }
  const response = result as LambdaHttpResult;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(response.multiValueHeaders ?? {})) headers[name.toLowerCase()] = values.map(String);
  if (response.cookies?.length) headers['set-cookie'] = response.cookies;
  const body = response.body === undefined ? '' : response.isBase64Encoded ? Buffer.from(response.body, 'base64') : response.body;
  send(res, response.statusCode ?? 200, headers, body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, { 'content-type': 'application/json' }, JSON.stringify(body));
}

function send(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string | Buffer): void {
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.writeHead(status);
  res.end(body);
}
