import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { invocationContext, paymentEvent } from './charge';
import { createContender, type BenchDatabase, type ContenderId } from './contenders';
import { classify, paymentIdOf, tally } from './outcome';

/** The storm's shape. */
export const STORM = { keys: 50, duplicates: 20 } as const;

/** What one library did under the storm. */
export interface StormResult {
  readonly contender: ContenderId;
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
  /** DynamoDB commands the storm sent, by name. */
  readonly commands: Readonly<Record<string, number>>;
  readonly totalCalls: number;
  readonly wallMs: number;
}

/**
 * 50 keys, each sent 20 times at once (1,000 invocations in flight together, duplicates of a key spread
 * through the burst), against one library at a time. The handler counts its executions.
 */
export async function runStorm(id: ContenderId, database: BenchDatabase): Promise<StormResult> {
  const contender = createContender(id, database);
  try {
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
    const started = performance.now();
    const settled = await Promise.allSettled(calls.map((call) => call.run()));
    const wallMs = performance.now() - started;

    const outcomes: Record<string, number> = {};
    const answers = new Map<string, Set<string>>();
    const runsPerKey: Record<string, number> = {};
    settled.forEach((result, i) => {
      const { key, context } = calls[i]!;
      const outcome = classify(result, contender.charge, context);
      tally(outcomes, outcome);
      if (outcome === 'ran 201' || contender.charge.didRun(context.awsRequestId)) tally(runsPerKey, key);
      const paymentId = paymentIdOf(result);
      if (paymentId) answers.set(key, (answers.get(key) ?? new Set()).add(paymentId));
    });
    return {
      contender: id,
      keys: STORM.keys,
      duplicatesPerKey: STORM.duplicates,
      executions: contender.charge.executions,
      keysRunMoreThanOnce: Object.values(runsPerKey).filter((runs) => runs > 1).length,
      outcomes,
      keysWithDivergentAnswers: [...answers.values()].filter((ids) => ids.size > 1).length,
      commands: contender.calls?.counts ?? {},
      totalCalls: contender.calls?.total() ?? 0,
      wallMs,
    };
  } finally {
    contender.client?.destroy();
  }
}
