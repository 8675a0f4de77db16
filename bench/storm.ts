import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { Counted } from './calls';
import { invocationContext, paymentEvent } from './charge';
import { classify, paymentIdOf, tally } from './outcome';

/** The storm's shape. */
export const STORM = { keys: 50, duplicates: 20 } as const;

/** What one library (or one Redis client) did under the storm. */
export interface StormResult {
  /** The contender's id, or the Redis client's kind. */
  readonly contender: string;
  readonly keys: number;
  readonly duplicatesPerKey: number;
  /** Handler executions in all; `keys` is the ideal. */
  readonly executions: number;
  /** Keys whose handler ran more than once. */
  readonly keysRunMoreThanOnce: number;
  /** What the callers received: `ran 201`, `replayed 201`, `409`, `threw <ErrorName>`. */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Keys where two callers got 201s with different payment ids (a duplicate that was not the first answer). */
  readonly keysWithDivergentAnswers: number;
  /** Store calls the storm sent (DynamoDB commands, Redis round trips), by name. */
  readonly commands: Readonly<Record<string, number>>;
  readonly totalCalls: number;
  readonly wallMs: number;
}

/**
 * 50 keys, each sent 20 times at once (1,000 invocations in flight together, duplicates of a key spread
 * through the burst), against one warm container of one store at a time. The handler counts its executions.
 */
export async function runStorm(contender: Counted): Promise<StormResult> {
  const keys = Array.from({ length: STORM.keys }, () => randomUUID());
  const calls: { key: string; context: Context; run: () => Promise<unknown> }[] = [];
  for (let copy = 0; copy < STORM.duplicates; copy++) {
    for (const key of keys) {
      const event = paymentEvent(key);
      const context = invocationContext();
      calls.push({ key, context, run: () => contender.invoke(event, context) });
    }
  }
  contender.calls?.reset();
  const executionsBefore = contender.charge.executions;
  const started = performance.now();
  const settled = await Promise.allSettled(calls.map((call) => call.run()));
  const wallMs = performance.now() - started;

  const outcomes: Record<string, number> = {};
  const answers = new Map<string, Set<string>>();
  const runsPerKey: Record<string, number> = {};
  settled.forEach((result, i) => {
    const { key, context } = calls[i]!;
    tally(outcomes, classify(result, contender.charge, context));
    if (contender.charge.didRun(context.awsRequestId)) tally(runsPerKey, key);
    const paymentId = paymentIdOf(result);
    if (paymentId) answers.set(key, (answers.get(key) ?? new Set()).add(paymentId));
  });
  return {
    contender: contender.id,
    keys: STORM.keys,
    duplicatesPerKey: STORM.duplicates,
    executions: contender.charge.executions - executionsBefore,
    keysRunMoreThanOnce: Object.values(runsPerKey).filter((runs) => runs > 1).length,
    outcomes,
    keysWithDivergentAnswers: [...answers.values()].filter((ids) => ids.size > 1).length,
    commands: contender.calls?.counts ?? {},
    totalCalls: contender.calls?.total() ?? 0,
    wallMs,
  };
}
