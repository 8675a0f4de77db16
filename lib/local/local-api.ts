import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { httpApiEvent, restApiEvent, type LocalRequest } from './api-events';
import { preflightHeaders, withCorsHeaders, type CorsSettings } from './cors';
import { functionError, noRoute, tooLarge, type GatewayAnswer, type PayloadVersion } from './gateway-answers';
import { localLambdaContext } from './lambda-context';
import { invokeErrorLine, timeoutLine } from './lambda-log';
import { readBody } from './request-body';
import { parseRequestTarget } from './request-target';
import { matchRoute, type RouteSpec } from './route-match';

export { matchRoute, type RouteSpec } from './route-match';

/** Options of `startLocalApi`. */
export interface LocalApiOptions {
  readonly handler: (event: never, context: Context) => Promise<unknown>;
  readonly routes: readonly RouteSpec[];
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** The event shape: HTTP API (2.0, as the deployed stack) or REST (1.0). @default '2.0' */
  readonly payloadVersion?: PayloadVersion;
  /** The function timeout: the handler's remaining time starts here; past it the invocation fails, as Lambda's does. @default 10000 */
  readonly timeoutMs?: number;
  /** The function name in the context. @default 'payment-local' */
  readonly functionName?: string;
  /** The API's CORS settings, as the HTTP API's; `undefined` for an API without CORS. @default undefined */
  readonly cors?: CorsSettings;
  /** One line per request; `undefined` to stay quiet. @default undefined */
  readonly log?: (line: string) => void;
  /** Where a failed invocation is reported, in the lines Lambda writes to CloudWatch. @default console.error */
  readonly errorLog?: (line: string) => void;
  /**
   * Answers the stand-in gives itself, before CORS, routing and the bearer check (the demo page and
   * its switches); `undefined` passes the request on to the API. Local only: API Gateway has none.
   * @default undefined
   */
  readonly localRoutes?: (request: LocalRouteRequest) => LocalAnswer | undefined;
  /**
   * Asked once the function has answered: `true` drops that answer on the way back (the Wi-Fi flickers),
   * so the client sees a network error although the function ran to the end. @default undefined
   */
  readonly dropResponse?: (request: LocalRouteRequest) => boolean;
}

/** What a local route or the response dropper sees of a request. */
export interface LocalRouteRequest {
  readonly method: string;
  readonly path: string;
  /** The bearer token, which locally is the principal; `undefined` without one. */
  readonly principal: string | undefined;
}

/** An answer of the stand-in itself. */
export interface LocalAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
}

/** A running local API. */
export interface LocalApi {
  readonly url: string;
  close(): Promise<void>;
}

/** Lambda's synchronous invocation limit on the event it is handed: "Request must be smaller than 6291456 bytes". */
export const MAX_EVENT_BYTES = 6_291_456;

const LOCAL_PROBLEMS = 'tag:lambda-idempotency,2026:local/';

/**
 * A small stand-in for API Gateway on localhost: routes requests, checks the bearer token the way the
 * deployed authorizer would (locally, the token itself is the principal), builds the real event shape
 * and sends the handler's response back as API Gateway does. For development and tests only.
 */
export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const errorLog = options.errorLog ?? ((line: string) => console.error(line));
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    serve(req, res, options, errorLog)
      .catch((error: unknown) => {
        errorLog(invokeErrorLine('local-api', error));
        answer(res, functionError(options.payloadVersion ?? '2.0'));
      })
      .finally(() => {
        const replayed = res.getHeader('idempotent-replayed') === 'true';
        const dropped = DROPPED.has(res) ? ' dropped (the Wi-Fi flickered)' : '';
        options.log?.(`${req.method} ${req.url} ${res.statusCode}${replayed ? ' replayed' : ''}${dropped} ${Date.now() - started}ms`);
      });
  };
  const server = createServer(listener);
  // A client that announces an oversized body and waits for `100 Continue` is refused before it sends it.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers['content-length']) > 10 * 1024 * 1024) return closeWith(res, tooLarge(options.payloadVersion ?? '2.0'));
    res.writeContinue();
    listener(req, res);
  });
  server.keepAliveTimeout = 5_000;
  // Node's default accept queue (511) overflows under a burst of a thousand new connections, and the
  // overflow ends in resets; API Gateway takes such a burst, so the stand-in queues it instead.
  await new Promise<void>((resolve, reject) =>
    server.once('error', reject).listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: 2_048 }, resolve),
  );
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

async function serve(req: IncomingMessage, res: ServerResponse, options: LocalApiOptions, errorLog: (line: string) => void): Promise<void> {
  const version = options.payloadVersion ?? '2.0';
  const method = req.method ?? 'GET';
  const target = parseRequestTarget(req.url);
  const body = await readBody(req);
  if (body === 'too-large') return closeWith(res, tooLarge(version));
  if (!target.ok) return answer(res, noRoute(version));
  const local = options.localRoutes?.({ method, path: target.path, principal: bearerToken(req.headers.authorization) });
  if (local) return send(res, local.status, local.headers, local.body);

  const preflight = preflightHeaders(options.cors, method, req.headers);
  if (preflight) return send(res, 204, preflight, '');
  const match = matchRoute(options.routes, method, target.path);
  if (match.kind === 'none') return answer(res, noRoute(version));
  if (match.kind === 'malformed') {
    return sendProblem(
      res,
      400,
      'malformed-path',
      'Malformed path',
      `The \`${match.parameter}\` path segment is not valid percent-encoding of UTF-8.`,
    );
  }

  const principal = bearerToken(req.headers.authorization);
  if (!principal) {
    return sendProblem(
      res,
      401,
      'unauthorized',
      'Unauthorized',
      'Send `Authorization: Bearer <token>`; locally, the token is your principal.',
      { 'www-authenticate': 'Bearer' },
    );
  }

  const headers: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  const request: LocalRequest = {
    method,
    path: target.path,
    rawQuery: target.rawQuery,
    headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    principal,
  };
  const event = version === '1.0' ? restApiEvent(request, match.route) : httpApiEvent(request, match.route);
  // Lambda refuses an event this large before running anything; the body alone may be under the API's quota.
  if (Buffer.byteLength(JSON.stringify(event)) >= MAX_EVENT_BYTES) return answer(res, tooLarge(version));

  const timeoutMs = options.timeoutMs ?? 10_000;
  const context = localLambdaContext(timeoutMs, options.functionName ?? 'payment-local');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const result = await Promise.race([options.handler(event as never, context), timedOut]);
    if (result === 'timeout') {
      errorLog(timeoutLine(context.awsRequestId, timeoutMs));
      return answer(res, functionError(version));
    }
    const drop = options.dropResponse?.({ method, path: target.path, principal });
    sendResult(res, result, version, (headers) => withCorsHeaders(options.cors, req.headers, headers), drop ?? false);
  } catch (error) {
    // As Lambda logs an invocation that threw, stack included; API Gateway then answers its own 500/502.
    errorLog(invokeErrorLine(context.awsRequestId, error));
    answer(res, functionError(version));
  } finally {
    clearTimeout(timer);
  }
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

interface LambdaHttpResult {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, (string | number | boolean)[]>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

type HeaderMap = Record<string, string | string[]>;

function sendResult(
  res: ServerResponse,
  result: unknown,
  version: PayloadVersion,
  decorate: (headers: HeaderMap) => HeaderMap,
  drop: boolean,
): void {
  const structured = typeof result === 'object' && result !== null && 'statusCode' in result;
  if (!structured) {
    if (version === '1.0') return answer(res, functionError(version));
    // HTTP API sends a bare value as 200 JSON.
    return send(
      res,
      200,
      decorate({ 'content-type': 'application/json' }),
      typeof result === 'string' ? result : JSON.stringify(result ?? null),
      drop,
    );
  }
  const response = result as LambdaHttpResult;
  const headers: HeaderMap = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(response.multiValueHeaders ?? {})) headers[name.toLowerCase()] = values.map(String);
  if (response.cookies?.length) headers['set-cookie'] = response.cookies;
  const body = response.body === undefined ? '' : response.isBase64Encoded ? Buffer.from(response.body, 'base64') : response.body;
  send(res, response.statusCode ?? 200, decorate(headers), body, drop);
}

function sendProblem(
  res: ServerResponse,
  status: number,
  type: string,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): void {
  send(
    res,
    status,
    { 'content-type': 'application/problem+json', ...headers },
    JSON.stringify({ type: `${LOCAL_PROBLEMS}${type}`, title, status, detail }),
  );
}

function answer(res: ServerResponse, gateway: GatewayAnswer): void {
  send(res, gateway.status, gateway.headers, gateway.body);
}

/** Answers and closes the connection: after an oversized body, the connection is not reused. */
function closeWith(res: ServerResponse, gateway: GatewayAnswer): void {
  send(res, gateway.status, { ...gateway.headers, connection: 'close' }, gateway.body);
}

/** Responses sent without their body, for the log line. */
const DROPPED = new WeakSet<ServerResponse>();

/** Sends a response; `drop`: the head only, then the connection closes before the body (the Wi-Fi flickers). */
function send(res: ServerResponse, status: number, headers: HeaderMap, body: string | Buffer, drop = false): void {
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.writeHead(status);
  if (!drop) return void res.end(body);
  // The client's request fails with a network error. Closing before the head would not do: on a reused
  // connection Chromium silently resends a POST that got no response head, and the page never sees it.
  DROPPED.add(res);
  res.flushHeaders();
  res.socket?.end();
}
