import { randomUUID } from 'node:crypto';
import { invocationContext, paymentEvent, type FakeCharge } from './charge';
import { createContender, createRawPut, type ContenderId, type Invoke } from './contenders';
import { classify } from './outcome';
import { summarize, type Summary } from './stats';

/** The latency of one series: a contender, or the floor (a raw `PutItem`, a raw `SET`) timed in the same loop. */
export interface Series {
  readonly summary: Summary;
  /** Every timed sample, in ms (µs precision), in the order taken: round `i` of every series of a loop is paired. */
  readonly samples: readonly number[];
  /** Timed calls that did not answer as expected (`ran 201` or `replayed 201`), by what they answered. */
  readonly unexpected: Readonly<Record<string, number>>;
}

/** Iteration counts of one timing loop. */
export interface LatencyOptions {
  readonly iterations: number;
  readonly warmup: number;
}

/** One timed call: what to run (its input prepared outside the clock) and whether the answer was the expected one. */
export interface Task {
  readonly id: string;
  run(): Promise<{ ms: number; outcome: string }>;
}

/** The floor's task: `send` timed alone, always as expected. */
export function floorTask(id: string, send: () => Promise<unknown>): Task {
  return {
    id,
    async run() {
      const started = performance.now();
      await send();
      return { ms: performance.now() - started, outcome: 'ok' };
    },
  };
}

/** One wrapped handler invoked on `keyFor()`'s key with a fresh event and context; `ok` when it answered `expected`. */
export function invocationTask(id: string, invoke: Invoke, charge: FakeCharge, expected: string, keyFor: () => string): Task {
  return {
    id,
    async run() {
      const event = paymentEvent(keyFor());
      const context = invocationContext();
      const started = performance.now();
      const [settled] = await Promise.allSettled([invoke(event, context)]);
      const ms = performance.now() - started;
      const outcome = classify(settled!, charge, context);
      return { ms, outcome: outcome === expected ? 'ok' : outcome };
    },
  };
}

/**
 * Times every task `warmup + iterations` times, round-robin: each round runs each task once, starting
 * one further along each round, so machine noise and position in the round hit every series alike.
 */
export async function roundRobin(tasks: readonly Task[], options: LatencyOptions): Promise<Record<string, Series>> {
  const samples = tasks.map(() => [] as number[]);
  const unexpected = tasks.map(() => ({}) as Record<string, number>);
  for (let round = 0; round < options.warmup + options.iterations; round++) {
    for (let i = 0; i < tasks.length; i++) {
      const index = (round + i) % tasks.length;
      const { ms, outcome } = await tasks[index]!.run();
      if (round < options.warmup) continue;
      samples[index]!.push(Math.round(ms * 1000) / 1000);
      if (outcome !== 'ok') unexpected[index]![outcome] = (unexpected[index]![outcome] ?? 0) + 1;
    }
  }
  return Object.fromEntries(
    tasks.map((task, i) => [task.id, { summary: summarize(samples[i]!), samples: samples[i]!, unexpected: unexpected[i]! }]),
  );
}

/** The three timing loops of one DynamoDB profile, each with its own raw `PutItem` series under `raw-put`. */
export interface DynamoDbLatency {
  /** A new key each time: raw PutItem, this toolkit, Powertools. */
  readonly first: Record<string, Series>;
  /** One completed key again and again, with and without each library's local cache. */
  readonly replay: Record<string, Series>;
  /** First executions that write one order: the handler's own PutItem under either library, or `idem.write`. */
  readonly write: Record<string, Series>;
}

/** Times first executions, replays and first executions with a business write against `endpoint`. */
export async function measureLatency(endpoint: string, options: LatencyOptions): Promise<DynamoDbLatency> {
  const raw = createRawPut(endpoint);
  const ids: ContenderId[] = [
    'ours',
    'ours-cache',
    'powertools',
    'powertools-cache',
    'ours-separate',
    'ours-atomic',
    'powertools-separate',
  ];
  const contenders = new Map(ids.map((id) => [id, createContender(id, endpoint)]));
  const rawTask = floorTask('raw-put', raw.send);
  const firstTask = (id: ContenderId) => {
    const c = contenders.get(id)!;
    return invocationTask(id, c.invoke, c.charge, 'ran 201', randomUUID);
  };
  try {
    const first = await roundRobin([rawTask, firstTask('ours'), firstTask('powertools')], options);
    const replayTasks = [rawTask];
    for (const id of ['ours', 'ours-cache', 'powertools', 'powertools-cache'] as const) {
      const c = contenders.get(id)!;
      const key = randomUUID();
      await c.invoke(paymentEvent(key), invocationContext()); // completes the key, outside the clock
      replayTasks.push(invocationTask(id, c.invoke, c.charge, 'replayed 201', () => key));
    }
    const replay = await roundRobin(replayTasks, options);
    const write = await roundRobin(
      [rawTask, firstTask('ours-separate'), firstTask('ours-atomic'), firstTask('powertools-separate')],
      options,
    );
    return { first, replay, write };
  } finally {
    raw.client.destroy();
    for (const c of contenders.values()) c.client?.destroy();
  }
}
