import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type { RedisClientLike } from '../../lib/idempotency/redis';
import { TcpFaultProxy } from './tcp-fault-proxy';

/** The redis-server global-setup started for this run. */
export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run the tests through jest (global-setup starts redis-server)');
  return url;
}

/** The two clients the store supports, for `describe.each`. */
export const CLIENT_KINDS = ['node-redis', 'ioredis'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** A connected client of either kind, and how to close it. */
export interface TestClient {
  readonly kind: ClientKind;
  readonly client: RedisClientLike;
  close(): Promise<void>;
}

/** How a test client behaves on faults. */
export interface TestClientOptions {
  /** Per-command timeout. @default none (the client waits) */
  readonly commandTimeoutMs?: number;
  /** Reconnect after a lost connection (ioredis then resends the unanswered commands). @default true */
  readonly reconnect?: boolean;
}

/**
 * Connects a client as a Lambda function would: no offline queue (a call during an outage fails at
 * once instead of waiting), a short reconnect delay. Client `error` events are swallowed: both clients
 * also reject the command concerned, which is what the store sees.
 */
export async function connectClient(kind: ClientKind, url = redisUrl(), options: TestClientOptions = {}): Promise<TestClient> {
  const reconnect = options.reconnect ?? true;
  if (kind === 'node-redis') {
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2_000, reconnectStrategy: reconnect ? 20 : false },
      ...(options.commandTimeoutMs !== undefined && { commandOptions: { timeout: options.commandTimeoutMs } }),
    });
    client.on('error', () => undefined);
    await client.connect();
    return {
      kind,
      client,
      close: async () => {
        try {
          client.destroy(); // also ends a reconnect in progress
        } catch {
          // already closed
        }
      },
    };
  }
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: reconnect ? () => 20 : () => null,
    ...(options.commandTimeoutMs !== undefined && { commandTimeout: options.commandTimeoutMs }),
  });
  client.on('error', () => undefined);
  await client.connect();
  // ioredis ends a live socket and destroys it if still open after 2 s; while it is reconnecting there is
  // no socket and no 'end' to wait for. Either way jest is not left with its timer.
  const close = () =>
    new Promise<void>((resolve) => {
      if (client.status === 'end') return resolve();
      const timer = setTimeout(resolve, 2_500);
      client.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
      client.disconnect();
    });
  return { kind, client, close };
}

/** A direct node-redis client (never through a fault proxy) to look at what the server holds. */
export async function inspector() {
  const client = createClient({ url: redisUrl() });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** A key prefix of its own, so test files and tests never see each other's records. */
export function uniquePrefix(): string {
  return `test:${randomUUID()}:`;
}

/**
 * For a test file: redis-server behind a TCP fault proxy (started before its tests, closed after them) and a direct
 * `admin` client to look at what the server holds. Read both through the returned object inside tests.
 */
export function redisBehindFaultProxy(): { readonly proxy: TcpFaultProxy; readonly admin: Awaited<ReturnType<typeof inspector>> } {
  let proxy: TcpFaultProxy | undefined;
  let admin: Awaited<ReturnType<typeof inspector>> | undefined;
  beforeAll(async () => {
    admin = await inspector();
    proxy = await TcpFaultProxy.start(Number(new URL(redisUrl()).port));
  });
  afterAll(async () => {
    await proxy?.close();
    admin?.destroy();
  });
  return {
    get proxy() {
      return proxy!;
    },
    get admin() {
      return admin!;
    },
  };
}
