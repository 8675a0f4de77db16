import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The DynamoDB operations a fault can pick, by the `X-Amz-Target` the SDK sends. */
export type DynamoDbOperation = 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'GetItem' | 'TransactWriteItems';

/**
 * What goes wrong with one request:
 * - `lost-response`: forwarded; DynamoDB's whole answer is read, then the client's socket is reset (the write landed, the answer is lost)
 * - `reset-before`: the client's socket is reset before anything is forwarded (the write never lands)
 * - `delay`: forwarded; the answer is held for `ms` (past the client's request timeout), then sent if the socket is still open
 * - `hang`: forwarded; the answer is never sent (until the proxy closes)
 * - `outage`: this request and every request of any operation for the next `ms` are reset, and answers still on their way are lost
 */
export type Fault =
  | { readonly kind: 'lost-response' }
  | { readonly kind: 'reset-before' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'outage'; readonly ms: number };

/** A fault to apply to the `nth` (1-based, counted from now) request of `operation`. */
export interface FaultRule {
  readonly operation: DynamoDbOperation;
  readonly nth?: number;
  readonly fault: Fault;
}

/** A proxy between the AWS SDK and DynamoDB Local that breaks chosen requests on the wire. */
export interface FaultProxy {
  /** Point a client's `endpoint` here. */
  readonly endpoint: string;
  /** Arms one fault; returns a promise that settles once it was applied. */
  inject(rule: FaultRule): Promise<void>;
  /** Resets every request, of any operation, until `restore()` (or for `ms`, if given). */
  outage(ms?: number): void;
  restore(): void;
  /** Requests seen per operation since the proxy started (faulted ones included). */
  readonly seen: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

interface Armed {
  readonly rule: FaultRule;
  remaining: number;
  readonly applied: () => void;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';

/** How the proxy behaves on requests no fault is armed for. */
export interface FaultProxyOptions {
  /**
   * The round trip a real network adds, in ms, asked once per request (by operation): the answer is held
   * that long after DynamoDB Local gave it, so every client behind the proxy sees a network, not loopback.
   * Inject the randomness (a seeded jitter) through this function.
   * @default no delay
   */
  readonly latency?: (operation: string) => number;
}

/**
 * Starts a fault proxy on 127.0.0.1 in front of `upstream` (DynamoDB Local's endpoint). Only loopback is
 * ever contacted. Faults are armed one at a time and applied at most once each, so nothing runs unbounded.
 */
export async function startFaultProxy(upstream: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const target = new URL(upstream);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost')
    throw new Error(`the fault proxy only forwards to loopback, not ${upstream}`);
  let armed: Armed[] = [];
  let outageUntil = 0;
  let outageOpen = false;
  const seen: Record<string, number> = {};
  const sockets = new Set<Socket>();

  const reset = (req: IncomingMessage) => req.socket.resetAndDestroy();

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const upstreamRequest = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
          response.on('error', reject);
        },
      );
      upstreamRequest.on('error', reject);
      upstreamRequest.end(body);
    });

  const inOutage = () => outageOpen || Date.now() < outageUntil;
  const answer = (req: IncomingMessage, res: ServerResponse, upstreamAnswer: Awaited<ReturnType<typeof forward>>) => {
    if (res.destroyed || res.socket?.destroyed) return;
    if (inOutage()) return reset(req); // an answer still on its way when the outage began is lost with it
    res.writeHead(upstreamAnswer.status, upstreamAnswer.headers);
    res.end(upstreamAnswer.body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const operation = String(req.headers['x-amz-target'] ?? '').replace(TARGET_PREFIX, '');
        seen[operation] = (seen[operation] ?? 0) + 1;
        if (inOutage()) return reset(req);
        const match = armed.find((entry) => entry.rule.operation === operation);
        let fault: Fault | undefined;
        if (match && --match.remaining === 0) {
          armed = armed.filter((entry) => entry !== match);
          fault = match.rule.fault;
          match.applied();
        }
        if (fault?.kind === 'reset-before') return reset(req);
        if (fault?.kind === 'outage') {
          outageUntil = Date.now() + fault.ms;
          return reset(req);
        }
        const upstreamAnswer = await forward(req, Buffer.concat(chunks));
        if (fault?.kind === 'lost-response') return reset(req);
        if (fault?.kind === 'hang') return;
        const held = (fault?.kind === 'delay' ? fault.ms : 0) + (options.latency?.(operation) ?? 0);
        if (held > 0) await new Promise((resolve) => setTimeout(resolve, held));
        answer(req, res, upstreamAnswer);
      })().catch(() => reset(req));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    inject(rule) {
      return new Promise<void>((applied) => armed.push({ rule, remaining: rule.nth ?? 1, applied }));
    },
    outage(ms) {
      if (ms === undefined) outageOpen = true;
      else outageUntil = Date.now() + ms;
    },
    restore() {
      outageOpen = false;
      outageUntil = 0;
    },
    async close() {
      armed = [];
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
