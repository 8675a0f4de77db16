import { randomUUID } from 'node:crypto';
import { idempotentHttp } from 'lambda-idempotency';
import { RedisStore } from 'lambda-idempotency/redis';
import { countCommands } from '../test/support/counting-redis';
import { CLIENT_KINDS, connectClient, type ClientKind } from '../test/support/redis';
import { once, SCENARIOS, warm, type CallsRow, type Counted } from './calls';
import { FakeCharge, invocationContext, paymentEvent } from './charge';
import { floorTask, invocationTask, roundRobin, type LatencyOptions, type Series } from './latency';
import { runStorm, type StormResult } from './storm';

/** One warm container on RedisStore: its own connected client, counted; its id is the client's kind. */
interface RedisContender extends Counted {
  readonly id: ClientKind;
  /** A raw `SET` of a small value under a new key, on the same client: the floor of any Redis-backed handler. */
  readonly rawSet: () => Promise<unknown>;
  close(): Promise<void>;
}

async function createRedisContender(kind: ClientKind, url: string, options: { localCache?: boolean } = {}): Promise<RedisContender> {
  const charge = new FakeCharge();
  const connection = await connectClient(kind, url);
  const calls = countCommands(connection.client);
  const store = new RedisStore({ client: calls.client, keyPrefix: `bench:${kind}:` });
  const invoke = idempotentHttp(charge.handler, { store, ...(options.localCache && { localCache: true }) });
  const raw = connection.client as unknown as { set(key: string, value: string): Promise<unknown> };
  const value = JSON.stringify({ status: 'COMPLETED', expiration: Math.floor(Date.now() / 1000) + 86_400 });
  const contender = { id: kind, invoke, charge, calls, rawSet: () => raw.set(`bench:raw:${randomUUID()}`, value), close: connection.close };
  // Warm: connected, and every script loaded (claim and complete, then claim and release).
  await warm(contender);
  const failing = randomUUID();
  charge.failFor(failing);
  await invoke(paymentEvent(failing), invocationContext()).catch(() => undefined);
  return contender;
}

/** Everything the Redis profile shows, per client: round trips per shape, latency beside a raw SET, and the storm. */
export interface RedisMeasurements {
  readonly calls: readonly CallsRow[];
  /** Per client: `first` and `replay` loops, each with its own raw `SET` series under `raw-set`. */
  readonly latency: Readonly<Record<ClientKind, { readonly first: Record<string, Series>; readonly replay: Record<string, Series> }>>;
  readonly storm: readonly StormResult[];
}

async function measureCalls(url: string): Promise<CallsRow[]> {
  const rows: CallsRow[] = [];
  for (const kind of CLIENT_KINDS) {
    const plain = await createRedisContender(kind, url);
    const cached = await createRedisContender(kind, url, { localCache: true });
    try {
      const key = randomUUID();
      rows.push(await once(plain, key, SCENARIOS.first));
      rows.push(await once(plain, key, SCENARIOS.replay));
      const warmKey = randomUUID();
      await once(cached, warmKey, SCENARIOS.first);
      rows.push(await once(cached, warmKey, SCENARIOS.replayWarm));
      const failing = randomUUID();
      plain.charge.failFor(failing);
      rows.push(await once(plain, failing, SCENARIOS.throws));
    } finally {
      await plain.close();
      await cached.close();
    }
  }
  return rows;
}

async function measureLatency(url: string, options: LatencyOptions): Promise<RedisMeasurements['latency']> {
  const latency: Partial<Record<ClientKind, RedisMeasurements['latency'][ClientKind]>> = {};
  for (const kind of CLIENT_KINDS) {
    const c = await createRedisContender(kind, url);
    try {
      const floor = floorTask('raw-set', c.rawSet);
      const first = await roundRobin([floor, invocationTask('ours', c.invoke, c.charge, 'ran 201', randomUUID)], options);
      const key = randomUUID();
      await c.invoke(paymentEvent(key), invocationContext()); // completes the key, outside the clock
      const replay = await roundRobin([floor, invocationTask('ours', c.invoke, c.charge, 'replayed 201', () => key)], options);
      latency[kind] = { first, replay };
    } finally {
      await c.close();
    }
  }
  return latency as RedisMeasurements['latency'];
}

/** The Redis profile: the same shapes on `RedisStore` against one redis-server, with both clients. */
export async function measureRedis(url: string, options: LatencyOptions, progress: (message: string) => void): Promise<RedisMeasurements> {
  progress('Redis: counting round trips per shape');
  const calls = await measureCalls(url);
  progress(`Redis: timing first executions and replays beside a raw SET (${options.warmup} + ${options.iterations} rounds each)`);
  const latency = await measureLatency(url, options);
  progress('Redis: the storm, per client');
  const storm: StormResult[] = [];
  for (const kind of CLIENT_KINDS) {
    const c = await createRedisContender(kind, url);
    try {
      storm.push(await runStorm(c));
    } finally {
      await c.close();
    }
  }
  return { calls, latency, storm };
}
