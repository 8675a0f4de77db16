import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FakeCharge, invocationContext, paymentEvent } from './charge';
import { createContender, type CallCounter, type Contender, type ContenderId, type Invoke } from './contenders';
import { classify } from './outcome';

/** The store calls (DynamoDB requests, Redis round trips) of one invocation in one scenario, and what its caller got. */
export interface CallsRow {
  readonly scenario: Scenario;
  /** The contender's id (`ours`, `powertools-cache`), or the Redis client's kind. */
  readonly contender: string;
  /** Commands sent by this invocation's container, by name (`PutItemCommand: 1`). */
  readonly commands: Readonly<Record<string, number>>;
  readonly total: number;
  /** `ran 201`, `replayed 201`, `409`, `threw <ErrorName>`. */
  readonly outcome: string;
  /** How long the measured invocation took, wall clock. */
  readonly elapsedMs: number;
  /** Write capacity units DynamoDB reported for it (`ReturnConsumedCapacity: TOTAL`), where counted. */
  readonly writeUnits?: number;
}

/** The scenarios counted, in report order. */
export const SCENARIOS = {
  first: 'first execution',
  replay: 'replay (completed key)',
  replayWarm: 'replay, warm container with local cache',
  throws: 'handler throws',
  writeSeparate: "first execution + one order, the handler's own PutItem",
  writeAtomic: 'first execution + one order through idem.write',
  inFlight: 'duplicate while in flight (first finishes after 300 ms)',
  inFlightLong: 'duplicate while in flight (first outlasts the wait)',
} as const;
export type Scenario = (typeof SCENARIOS)[keyof typeof SCENARIOS];

/** How long the first invocation stays in flight in the short in-flight scenario. */
export const IN_FLIGHT_MS = 300;
/** The longest the long in-flight scenario holds the first invocation (this toolkit waits 5 s by default). */
const IN_FLIGHT_LONG_CAP_MS = 10_000;

/** What `once` needs of a container: DynamoDB-backed or Redis-backed alike. */
export interface Counted {
  readonly id: string;
  readonly invoke: Invoke;
  readonly charge: FakeCharge;
  readonly calls: CallCounter | undefined;
}

/** One untimed, uncounted invocation on a throwaway key: a warm container, its client connected. */
export async function warm(contender: Counted): Promise<void> {
  await contender.invoke(paymentEvent(randomUUID()), invocationContext());
}

/** Runs `contender` once on `key` with a fresh context; its calls counted from zero. */
export async function once(contender: Counted, key: string, scenario: Scenario): Promise<CallsRow> {
  contender.calls?.reset();
  const context = invocationContext();
  const started = performance.now();
  const [settled] = await Promise.allSettled([contender.invoke(paymentEvent(key), context)]);
  const elapsedMs = performance.now() - started;
  return row(scenario, contender, classify(settled!, contender.charge, context), elapsedMs);
}

function row(scenario: Scenario, contender: Counted, outcome: string, elapsedMs: number): CallsRow {
  const commands = contender.calls?.counts ?? {};
  return { scenario, contender: contender.id, commands, total: contender.calls?.total() ?? 0, outcome, elapsedMs };
}

/** Sums the write units every request of `client` consumed, asking DynamoDB to report them. */
function countWriteUnits(client: DynamoDBClient) {
  let units = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) units += entry.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', name: `writeUnits-${Math.random()}` },
  );
  return { get: () => units, reset: () => void (units = 0) };
}

/**
 * A duplicate arriving at a second container (B) while the first (A) still runs the handler: A is
 * held until `releaseAfter` (ms after B starts) or, when `undefined`, until B has its answer. B's
 * calls and answer are what is reported.
 */
async function duplicateInFlight(
  id: ContenderId,
  endpoint: string,
  scenario: Scenario,
  releaseAfter: number | undefined,
): Promise<CallsRow> {
  const charge = new FakeCharge();
  const a = createContender(id, endpoint, charge);
  const b = createContender(id, endpoint, charge);
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

/**
 * Counts each library's DynamoDB calls in the shapes every profile shows, one invocation at a time:
 * first execution, replay, replay from the local cache, handler throws, and a first execution that
 * writes one order (with its write units).
 */
export async function measureShapes(endpoint: string): Promise<CallsRow[]> {
  const rows: CallsRow[] = [];
  const withContender = async (id: ContenderId, body: (c: Contender) => Promise<void>) => {
    const contender = createContender(id, endpoint);
    try {
      await warm(contender);
      await body(contender);
    } finally {
      contender.client?.destroy();
    }
  };
  for (const id of ['ours', 'powertools'] as const) {
    await withContender(id, async (c) => {
      const key = randomUUID();
      rows.push(await once(c, key, SCENARIOS.first));
      rows.push(await once(c, key, SCENARIOS.replay));
      const failing = randomUUID();
      c.charge.failFor(failing);
      rows.push(await once(c, failing, SCENARIOS.throws));
    });
  }
  for (const id of ['ours-cache', 'powertools-cache'] as const) {
    await withContender(id, async (c) => {
      const key = randomUUID();
      await once(c, key, SCENARIOS.first);
      rows.push(await once(c, key, SCENARIOS.replayWarm));
    });
  }
  for (const id of ['ours-separate', 'powertools-separate', 'ours-atomic'] as const) {
    await withContender(id, async (c) => {
      const units = countWriteUnits(c.client!);
      const counted = await once(c, randomUUID(), id === 'ours-atomic' ? SCENARIOS.writeAtomic : SCENARIOS.writeSeparate);
      rows.push({ ...counted, writeUnits: units.get() });
    });
  }
  return rows;
}

/** A duplicate reaching a second container while the first still runs, for each library (on loopback: it waits in real time). */
export async function measureInFlight(endpoint: string): Promise<CallsRow[]> {
  const rows: CallsRow[] = [];
  for (const id of ['ours', 'ours-nowait', 'powertools'] as const) {
    rows.push(await duplicateInFlight(id, endpoint, SCENARIOS.inFlight, IN_FLIGHT_MS));
    if (id !== 'ours-nowait') rows.push(await duplicateInFlight(id, endpoint, SCENARIOS.inFlightLong, undefined));
  }
  return rows;
}
