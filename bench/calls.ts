import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeCharge, invocationContext, paymentEvent } from './charge';
import { createContender, type BenchDatabase, type Contender, type ContenderId } from './contenders';
import { classify } from './outcome';

/** The DynamoDB calls of one invocation in one scenario, and what its caller got. */
export interface CallsRow {
  readonly scenario: Scenario;
  readonly contender: ContenderId;
  /** Commands sent by this invocation's container, by name (`PutItemCommand: 1`). */
  readonly commands: Readonly<Record<string, number>>;
  readonly total: number;
  /** `ran 201`, `replayed 201`, `409`, `threw <ErrorName>`. */
  readonly outcome: string;
  /** How long the measured invocation took, wall clock. */
  readonly elapsedMs: number;
}

/** The scenarios counted, in report order. */
export const SCENARIOS = {
  first: 'first execution',
  replay: 'replay (completed key)',
  replayWarm: 'replay, warm container with local cache',
  throws: 'handler throws',
  inFlight: 'duplicate while in flight (first finishes after 300 ms)',
  inFlightLong: 'duplicate while in flight (first outlasts the wait)',
} as const;
export type Scenario = (typeof SCENARIOS)[keyof typeof SCENARIOS];

/** How long the first invocation stays in flight in the short in-flight scenario. */
export const IN_FLIGHT_MS = 300;
/** The longest the long in-flight scenario holds the first invocation (this toolkit waits 5 s by default). */
const IN_FLIGHT_LONG_CAP_MS = 10_000;

/** One untimed, uncounted invocation on a throwaway key: a warm container, its client connected. */
async function warm(contender: Contender): Promise<void> {
  await contender.invoke(paymentEvent(randomUUID()), invocationContext());
}

/** Runs `contender` once on `key` with a fresh context; its calls counted from zero. */
async function once(contender: Contender, key: string, scenario: Scenario): Promise<CallsRow> {
  contender.calls?.reset();
  const context = invocationContext();
  const started = performance.now();
  const [settled] = await Promise.allSettled([contender.invoke(paymentEvent(key), context)]);
  const elapsedMs = performance.now() - started;
  return row(scenario, contender, classify(settled!, contender.charge, context), elapsedMs);
}

function row(scenario: Scenario, contender: Contender, outcome: string, elapsedMs: number): CallsRow {
  const commands = contender.calls?.counts ?? {};
  return { scenario, contender: contender.id, commands, total: contender.calls?.total() ?? 0, outcome, elapsedMs };
}

/**
 * A duplicate arriving at a second container (B) while the first (A) still runs the handler: A is
 * held until `releaseAfter` (ms after B starts) or, when `undefined`, until B has its answer. B's
 * calls and answer are what is reported.
 */
async function duplicateInFlight(
  id: ContenderId,
  database: BenchDatabase,
  scenario: Scenario,
  releaseAfter: number | undefined,
): Promise<CallsRow> {
  const charge = new FakeCharge();
  const a = createContender(id, database, charge);
  const b = createContender(id, database, charge);
  try {
    await warm(a);
    await warm(b);
    const key = randomUUID();
    const hold = charge.holdFor(key);
    const first = a.invoke(paymentEvent(key), invocationContext());
    await hold.started;
    b.calls?.reset();
    const context = invocationContext();
    const started = performance.now();
    const duplicate = Promise.allSettled([b.invoke(paymentEvent(key), context)]).then(([settled]) => ({
      settled: settled!,
      elapsedMs: performance.now() - started,
    }));
    if (releaseAfter !== undefined) await sleep(releaseAfter);
    else {
      const cap = new AbortController();
      await Promise.race([duplicate, sleep(IN_FLIGHT_LONG_CAP_MS, undefined, { signal: cap.signal }).catch(() => undefined)]);
      cap.abort();
    }
    hold.release();
    const [{ settled, elapsedMs }] = await Promise.all([duplicate, first]);
    return row(scenario, b, classify(settled, charge, context), elapsedMs);
  } finally {
    a.client?.destroy();
    b.client?.destroy();
  }
}

/** Counts each library's DynamoDB calls in every scenario, one invocation at a time. */
export async function measureCalls(database: BenchDatabase): Promise<CallsRow[]> {
  const rows: CallsRow[] = [];
  for (const id of ['ours', 'powertools'] as const) {
    const contender = createContender(id, database);
    try {
      await warm(contender);
      const key = randomUUID();
      rows.push(await once(contender, key, SCENARIOS.first));
      rows.push(await once(contender, key, SCENARIOS.replay));
      const failing = randomUUID();
      contender.charge.failFor(failing);
      rows.push(await once(contender, failing, SCENARIOS.throws));
    } finally {
      contender.client?.destroy();
    }
  }
  for (const id of ['ours-cache', 'powertools-cache'] as const) {
    const contender = createContender(id, database);
    try {
      await warm(contender);
      const key = randomUUID();
      await once(contender, key, SCENARIOS.first);
      rows.push(await once(contender, key, SCENARIOS.replayWarm));
    } finally {
      contender.client?.destroy();
    }
  }
  for (const id of ['ours', 'ours-nowait', 'powertools'] as const) {
    rows.push(await duplicateInFlight(id, database, SCENARIOS.inFlight, IN_FLIGHT_MS));
    if (id !== 'ours-nowait') rows.push(await duplicateInFlight(id, database, SCENARIOS.inFlightLong, undefined));
  }
  return rows;
}
