import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { idempotentHttp } from '../lib/idempotency';
import { RedisStore } from '../lib/idempotency/redis';
import { countCommands } from '../test/support/counting-redis';
import { CLIENT_KINDS, connectClient, type ClientKind } from '../test/support/redis';
import { FakeCharge, invocationContext, paymentEvent } from './charge';
import type { Invoke } from './contenders';
import { classify, paymentIdOf, tally } from './outcome';
import { summarize, type Summary } from './stats';
import { STORM } from './storm';

/** One warm container on RedisStore: its own connected client, counted. */
interface RedisContender {
  readonly kind: ClientKind;
  readonly invoke: Invoke;
  readonly charge: FakeCharge;
  readonly counter: ReturnType<typeof countCommands>;
  /** A raw `SET` of a small value under a new key, on the same client: the floor of any Redis-backed handler. */
  readonly rawSet: () => Promise<unknown>;
  close(): Promise<void>;
}

async function createRedisContender(
  kind: ClientKind,
  url: string,
  options: { localCache?: boolean } = {},
  charge = new FakeCharge(),
): Promise<RedisContender> {
  const connection = await connectClient(kind, url);
  const counter = countCommands(connection.client);
  const store = new RedisStore({ client: counter.client, keyPrefix: `bench:${kind}:` });
  const invoke = idempotentHttp(charge.handler, { store, ...(options.localCache && { localCache: true }) });
  const raw = connection.client as unknown as { set(key: string, value: string): Promise<unknown> };
  const value = JSON.stringify({ status: 'COMPLETED', expiration: Math.floor(Date.now() / 1000) + 86_400 });
  // Warm: connected, and all three scripts loaded (claim and complete, then claim and release).
  await invoke(paymentEvent(randomUUID()), invocationContext());
  const failing = randomUUID();
  charge.failFor(failing);
  await invoke(paymentEvent(failing), invocationContext()).catch(() => undefined);
  return { kind, invoke, charge, counter, rawSet: () => raw.set(`bench:raw:${randomUUID()}`, value), close: connection.close };
}

/** Round trips of one invocation in one scenario, and what its caller got. */
export interface RedisCallsRow {
  readonly scenario: 'first execution' | 'replay (completed key)' | 'replay, warm container with local cache' | 'handler throws';
  readonly kind: ClientKind;
  readonly commands: Readonly<Record<string, number>>;
  readonly total: number;
  readonly outcome: string;
}

/** A latency series: Redis store or raw SET, per client, per phase. */
export interface RedisSeries {
  readonly phase: 'first' | 'replay';
  readonly kind: ClientKind;
  readonly series: 'raw SET' | 'RedisStore';
  readonly summary: Summary;
  readonly unexpected: Readonly<Record<string, number>>;
}

/** The storm on RedisStore, one client at a time. */
export interface RedisStormResult {
  readonly kind: ClientKind;
  readonly keys: number;
  readonly duplicatesPerKey: number;
  readonly executions: number;
  readonly keysRunMoreThanOnce: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly keysWithDivergentAnswers: number;
  readonly commands: Readonly<Record<string, number>>;
  readonly totalCalls: number;
  readonly wallMs: number;
}

export interface RedisMeasurements {
  readonly calls: readonly RedisCallsRow[];
  readonly latency: readonly RedisSeries[];
  readonly storm: readonly RedisStormResult[];
}

async function invokeOnce(contender: RedisContender, key: string): Promise<{ outcome: string; ms: number }> {
  const context = invocationContext();
  const started = performance.now();
  const [settled] = await Promise.allSettled([contender.invoke(paymentEvent(key), context)]);
  const ms = performance.now() - started;
  return { outcome: classify(settled!, contender.charge, context), ms };
}

async function counted(contender: RedisContender, key: string, scenario: RedisCallsRow['scenario']): Promise<RedisCallsRow> {
  contender.counter.reset();
  const { outcome } = await invokeOnce(contender, key);
  return { scenario, kind: contender.kind, commands: contender.counter.counts, total: contender.counter.total(), outcome };
}

async function measureCalls(url: string): Promise<RedisCallsRow[]> {
  const rows: RedisCallsRow[] = [];
  for (const kind of CLIENT_KINDS) {
    const plain = await createRedisContender(kind, url);
    const cached = await createRedisContender(kind, url, { localCache: true });
    try {
      const key = randomUUID();
      rows.push(await counted(plain, key, 'first execution'));
      rows.push(await counted(plain, key, 'replay (completed key)'));
      const warmKey = randomUUID();
      await invokeOnce(cached, warmKey);
      rows.push(await counted(cached, warmKey, 'replay, warm container with local cache'));
      const failing = randomUUID();
      plain.charge.failFor(failing);
      rows.push(await counted(plain, failing, 'handler throws'));
    } finally {
      await plain.close();
      await cached.close();
    }
  }
  return rows;
}

interface Task {
  readonly phase: RedisSeries['phase'];
  readonly kind: ClientKind;
  readonly series: RedisSeries['series'];
  run(): Promise<{ ms: number; outcome: string }>;
}

/** Each task `warmup + iterations` times, round-robin with a rotating start, as `latency.ts` times DynamoDB. */
async function roundRobin(tasks: readonly Task[], options: { iterations: number; warmup: number }): Promise<RedisSeries[]> {
  const samples = tasks.map(() => [] as number[]);
  const unexpected = tasks.map(() => ({}) as Record<string, number>);
  for (let round = 0; round < options.warmup + options.iterations; round++) {
    for (let i = 0; i < tasks.length; i++) {
      const index = (round + i) % tasks.length;
      const { ms, outcome } = await tasks[index]!.run();
      if (round < options.warmup) continue;
      samples[index]!.push(ms);
      if (outcome !== 'ok') tally(unexpected[index]!, outcome);
    }
  }
  return tasks.map((task, i) => ({
    phase: task.phase,
    kind: task.kind,
    series: task.series,
    summary: summarize(samples[i]!),
    unexpected: unexpected[i]!,
  }));
}

async function measureLatency(url: string, options: { iterations: number; warmup: number }): Promise<RedisSeries[]> {
  const contenders = await Promise.all(CLIENT_KINDS.map((kind) => createRedisContender(kind, url)));
  try {
    const raw = (phase: RedisSeries['phase'], c: RedisContender): Task => ({
      phase,
      kind: c.kind,
      series: 'raw SET',
      async run() {
        const started = performance.now();
        await c.rawSet();
        return { ms: performance.now() - started, outcome: 'ok' };
      },
    });
    const invocation = (phase: RedisSeries['phase'], c: RedisContender, expected: string, keyFor: () => string): Task => ({
      phase,
      kind: c.kind,
      series: 'RedisStore',
      async run() {
        const { ms, outcome } = await invokeOnce(c, keyFor());
        return { ms, outcome: outcome === expected ? 'ok' : outcome };
      },
    });
    const first = await roundRobin(
      contenders.flatMap((c) => [raw('first', c), invocation('first', c, 'ran 201', randomUUID)]),
      options,
    );
    const replayTasks: Task[] = [];
    for (const c of contenders) {
      const key = randomUUID();
      await invokeOnce(c, key); // completes the key, outside the clock
      replayTasks.push(
        raw('replay', c),
        invocation('replay', c, 'replayed 201', () => key),
      );
    }
    return [...first, ...(await roundRobin(replayTasks, options))];
  } finally {
    for (const c of contenders) await c.close();
  }
}

async function runStorm(kind: ClientKind, url: string): Promise<RedisStormResult> {
  const contender = await createRedisContender(kind, url);
  try {
    const keys = Array.from({ length: STORM.keys }, () => randomUUID());
    const calls: { key: string; context: Context; event: ReturnType<typeof paymentEvent> }[] = [];
    for (let copy = 0; copy < STORM.duplicates; copy++)
      for (const key of keys) calls.push({ key, context: invocationContext(), event: paymentEvent(key) });
    contender.counter.reset();
    const executionsBefore = contender.charge.executions;
    const started = performance.now();
    const settled = await Promise.allSettled(calls.map((call) => contender.invoke(call.event, call.context)));
    const wallMs = performance.now() - started;
    const outcomes: Record<string, number> = {};
    const runsPerKey: Record<string, number> = {};
    const answers = new Map<string, Set<string>>();
    settled.forEach((result, i) => {
      const { key, context } = calls[i]!;
      const outcome = classify(result, contender.charge, context);
      tally(outcomes, outcome);
      if (contender.charge.didRun(context.awsRequestId)) tally(runsPerKey, key);
      const id = paymentIdOf(result);
      if (id) answers.set(key, (answers.get(key) ?? new Set()).add(id));
    });
    return {
      kind,
      keys: STORM.keys,
      duplicatesPerKey: STORM.duplicates,
      executions: contender.charge.executions - executionsBefore,
      keysRunMoreThanOnce: Object.values(runsPerKey).filter((runs) => runs > 1).length,
      outcomes,
      keysWithDivergentAnswers: [...answers.values()].filter((ids) => ids.size > 1).length,
      commands: contender.counter.counts,
      totalCalls: contender.counter.total(),
      wallMs,
    };
  } finally {
    await contender.close();
  }
}

/** Everything the Redis column shows: round trips, latency against a raw SET, and the storm, for both clients. */
export async function measureRedis(
  url: string,
  options: { iterations: number; warmup: number },
  progress: (message: string) => void,
): Promise<RedisMeasurements> {
  progress('Redis: counting round trips per scenario');
  const calls = await measureCalls(url);
  progress(`Redis: timing first executions and replays beside a raw SET (${options.warmup} + ${options.iterations} rounds each)`);
  const latency = await measureLatency(url, options);
  progress(`Redis storm: ${STORM.keys} keys × ${STORM.duplicates} concurrent duplicates per client`);
  const storm: RedisStormResult[] = [];
  for (const kind of CLIENT_KINDS) storm.push(await runStorm(kind, url));
  return { calls, latency, storm };
}
