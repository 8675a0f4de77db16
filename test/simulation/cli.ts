/**
 * `npm run simulate -- --seeds N [--seed S] [--store memory|dynamodb|redis] [--for 60s] [--replay 0,3,1…] [--mutant name]`
 *
 * Runs seeds on the real engine and a store (memory, or DynamoDB Local / redis-server started here on free
 * loopback ports), prints the throughput, and for each failing seed the invariant, the replay commands and
 * the shortest schedule found. Exits 1 on a failure.
 */
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from 'lambda-idempotency/testing';
import { startRedisServer } from '../../lib/local/redis-server';
import { Choices } from './choices';
import { compareWithMemory } from './compare-engines';
import { memoryTargets } from './memory-target';
import { MUTANTS } from './mutants';
import { dynamoDbTargets, redisTargets } from './real-targets';
import { runSeeds } from './run-seeds';
import { describeFailure } from './shrink';
import { simulate } from './simulate';
import type { StoreKind, TargetFactory } from './target';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    seed: { type: 'string' },
    store: { type: 'string', default: 'memory' },
    for: { type: 'string' },
    replay: { type: 'string' },
    mutant: { type: 'string' },
    'keep-going': { type: 'boolean', default: false },
  },
});

function duration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)(ms|s|m|h)?$/.exec(text);
  if (!match) throw new TypeError(`Expected \`--for\` to be a duration such as 60s or 10m, got ${text}`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
}

async function main(): Promise<number> {
  const kind = values.store as StoreKind;
  if (!['memory', 'dynamodb', 'redis'].includes(kind))
    throw new TypeError(`Expected \`--store\` to be memory, dynamodb or redis, got ${kind}`);
  const mutant = values.mutant === undefined ? undefined : MUTANTS.find((m) => m.name.includes(values.mutant!));
  if (values.mutant !== undefined && !mutant)
    throw new TypeError(`No mutant matches ${values.mutant}: ${MUTANTS.map((m) => m.name).join('; ')}`);
  const stops: (() => Promise<void>)[] = [];
  let factory: TargetFactory = memoryTargets;
  if (kind === 'dynamodb') {
    const local = await startDynamoDbLocal();
    stops.push(() => local.stop());
    factory = await dynamoDbTargets(local.endpoint);
  } else if (kind === 'redis') {
    const server = await startRedisServer();
    stops.push(() => server.stop());
    factory = await redisTargets(server.url);
  }
  try {
    if (values.replay !== undefined) {
      const choices = values.replay.split(',').map(Number);
      const result = await simulate(Choices.replay(choices), await factory.open('replay'), { mutant });
      console.log(
        result.violation
          ? describeFailure(undefined, result, result, kind)
          : `no invariant failed (${result.steps} steps)\n${result.trace.join('\n')}`,
      );
      return result.violation ? 1 : 0;
    }
    // --seed S alone replays seed S (and prints its trace); with --seeds N it is where N seeds start.
    const from = values.seed === undefined ? 1 : Number(values.seed);
    const seeds = values.seeds !== undefined ? Number(values.seeds) : values.seed !== undefined ? 1 : 1000;
    if (kind !== 'memory' && !mutant) {
      // A real engine: every invariant, and each schedule step for step the memory store's.
      const comparison = await compareWithMemory(factory, seeds, from, duration(values.for));
      for (const difference of comparison.differences) console.log(`\nFAILED ${difference.report}\n`);
      const perSecond = (comparison.seedsRun / (comparison.elapsedMs / 1000)).toFixed(1);
      console.log(
        `${kind} (compared with memory): ${comparison.seedsRun} seeds from ${from}, ${(comparison.elapsedMs / 1000).toFixed(1)} s, ${perSecond} seeds/s, ${comparison.differences.length} failing`,
      );
      return comparison.differences.length > 0 ? 1 : 0;
    }
    const batch = await runSeeds(factory, { from, seeds, forMs: duration(values.for), mutant, stopAtFailure: !values['keep-going'] });
    for (const failure of batch.failures) console.log(`\nFAILED seed ${failure.seed}\n${failure.report}\n`);
    const perSecond = (batch.seedsRun / (batch.elapsedMs / 1000)).toFixed(1);
    console.log(
      `${kind}${mutant ? ` (mutant: ${mutant.name})` : ''}: ${batch.seedsRun} seeds from ${from}, ${batch.steps} steps, ${(batch.elapsedMs / 1000).toFixed(1)} s, ${perSecond} seeds/s, ${batch.failures.length} failing`,
    );
    if (seeds === 1 && batch.failures.length === 0) {
      const result = await simulate(Choices.seeded(from), await factory.open('trace'), { mutant });
      console.log(result.trace.join('\n'));
    }
    return batch.failures.length > 0 ? 1 : 0;
  } finally {
    await factory.close();
    for (const stop of stops) await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
