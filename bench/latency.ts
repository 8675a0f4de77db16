import { randomUUID } from 'node:crypto';
import { invocationContext, paymentEvent } from './charge';
import { createContender, createRawPut, type BenchDatabase, type Contender, type ContenderId } from './contenders';
import { classify } from './outcome';
import { summarize, type Summary } from './stats';

/** A measured series: a contender, or the raw `PutItem` floor. */
export type SeriesId = ContenderId | 'raw-put';

/** The latency of one series in one phase. */
export interface Series {
  readonly summary: Summary;
  /** Every timed sample, in ms (µs precision), in the order taken. */
  readonly samples: readonly number[];
  /** Timed invocations that did not answer as the phase expects (`ran 201` or `replayed 201`). */
  readonly unexpected: Readonly<Record<string, number>>;
}

/** One phase: every series timed round-robin in the same loop. */
export interface LatencyPhase {
  readonly phase: 'first' | 'replay';
  readonly warmup: number;
  readonly iterations: number;
  readonly series: Readonly<Partial<Record<SeriesId, Series>>>;
}

/** Iteration counts; `BENCH_ITERATIONS` and `BENCH_WARMUP` override them. */
export interface LatencyOptions {
  readonly iterations: number;
  readonly warmup: number;
}

/** One timed call: what to run (prepared outside the clock) and whether the answer was the expected one. */
interface Task {
  readonly id: SeriesId;
  run(): Promise<{ ms: number; outcome: string }>;
}

function timedInvocation(contender: Contender, expected: string, keyFor: () => string): Task {
  return {
    id: contender.id,
    async run() {
      const event = paymentEvent(keyFor());
      const context = invocationContext();
      const started = performance.now();
      const [settled] = await Promise.allSettled([contender.invoke(event, context)]);
      const ms = performance.now() - started;
      const outcome = classify(settled!, contender.charge, context);
      return { ms, outcome: outcome === expected ? 'ok' : outcome };
    },
  };
}

/**
 * Times every task `warmup + iterations` times, round-robin: each round runs each task once, starting
 * one further along each round, so machine noise and position in the round hit every series alike.
 */
async function roundRobin(phase: LatencyPhase['phase'], tasks: readonly Task[], options: LatencyOptions): Promise<LatencyPhase> {
  const samples = new Map<SeriesId, number[]>(tasks.map((task) => [task.id, []]));
  const unexpected = new Map<SeriesId, Record<string, number>>(tasks.map((task) => [task.id, {}]));
  for (let round = 0; round < options.warmup + options.iterations; round++) {
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[(round + i) % tasks.length]!;
      const { ms, outcome } = await task.run();
      if (round < options.warmup) continue;
      samples.get(task.id)!.push(Math.round(ms * 1000) / 1000);
      if (outcome !== 'ok') {
        const counts = unexpected.get(task.id)!;
        counts[outcome] = (counts[outcome] ?? 0) + 1;
      }
    }
  }
  const series: Partial<Record<SeriesId, Series>> = {};
  for (const [id, values] of samples) series[id] = { summary: summarize(values), samples: values, unexpected: unexpected.get(id)! };
  return { phase, warmup: options.warmup, iterations: options.iterations, series };
}

/**
 * First executions (a new key each time) and replays (one completed key, again and again), each
 * beside the bare handler and a raw unconditional `PutItem` timed in the same loop.
 */
export async function measureLatency(database: BenchDatabase, options: LatencyOptions): Promise<LatencyPhase[]> {
  const raw = createRawPut(database);
  const contenders = (['bare', 'ours', 'ours-cache', 'powertools', 'powertools-cache'] as const).map((id) => createContender(id, database));
  const byId = (id: ContenderId) => contenders.find((contender) => contender.id === id)!;
  const rawTask: Task = {
    id: 'raw-put',
    async run() {
      const started = performance.now();
      await raw.send();
      return { ms: performance.now() - started, outcome: 'ok' };
    },
  };
  try {
    const first = await roundRobin(
      'first',
      [rawTask, ...(['bare', 'ours', 'powertools'] as const).map((id) => timedInvocation(byId(id), 'ran 201', randomUUID))],
      options,
    );

    const replayTasks: Task[] = [rawTask, timedInvocation(byId('bare'), 'ran 201', randomUUID)];
    for (const id of ['ours', 'ours-cache', 'powertools', 'powertools-cache'] as const) {
      const key = randomUUID();
      await byId(id).invoke(paymentEvent(key), invocationContext()); // completes the key, outside the clock
      replayTasks.push(timedInvocation(byId(id), 'replayed 201', () => key));
    }
    const replay = await roundRobin('replay', replayTasks, options);
    return [first, replay];
  } finally {
    raw.client.destroy();
    for (const contender of contenders) contender.client?.destroy();
  }
}
