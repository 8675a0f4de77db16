import type { CallsRow } from './calls';
import type { LatencyPhase } from './latency';
import type { RedisCallsRow, RedisMeasurements } from './redis';
import { describeCommands } from './report';

const ms = (value: number) => value.toFixed(2);
const ratio = (value: number) => `${value.toFixed(2)}×`;

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The DynamoDB row each Redis scenario is set beside. */
const DYNAMODB_ROW: Record<RedisCallsRow['scenario'], { contender: string; scenario: string }> = {
  'first execution': { contender: 'ours', scenario: 'first execution' },
  'replay (completed key)': { contender: 'ours', scenario: 'replay (completed key)' },
  'replay, warm container with local cache': { contender: 'ours-cache', scenario: 'replay, warm container with local cache' },
  'handler throws': { contender: 'ours', scenario: 'handler throws' },
};

function callsTable(redis: RedisMeasurements, dynamodb: readonly CallsRow[]): string {
  const scenarios = [...new Set(redis.calls.map((row) => row.scenario))];
  return table(
    ['scenario', 'DynamoDbStore: calls', 'RedisStore, node-redis: round trips', 'RedisStore, ioredis: round trips', 'callers got'],
    scenarios.map((scenario) => {
      const dynamo = dynamodb.find(
        (row) => row.contender === DYNAMODB_ROW[scenario].contender && row.scenario === DYNAMODB_ROW[scenario].scenario,
      );
      const of = (kind: string) => redis.calls.find((row) => row.scenario === scenario && row.kind === kind);
      const nodeRedis = of('node-redis');
      const ioredis = of('ioredis');
      return [
        scenario,
        dynamo ? describeCommands(dynamo.commands, dynamo.total) : 'n/a',
        nodeRedis ? describeCommands(nodeRedis.commands, nodeRedis.total) : 'n/a',
        ioredis ? describeCommands(ioredis.commands, ioredis.total) : 'n/a',
        [...new Set([nodeRedis?.outcome, ioredis?.outcome, dynamo?.outcome].filter(Boolean))].join(' / '),
      ];
    }),
  );
}

function latencyTable(redis: RedisMeasurements, dynamodb: readonly LatencyPhase[]): string {
  const rows: string[][] = [];
  for (const phase of ['first', 'replay'] as const) {
    const dynamo = dynamodb.find((p) => p.phase === phase);
    const dynamoRatio =
      dynamo?.series.ours && dynamo.series['raw-put']
        ? ratio(dynamo.series.ours.summary.median / dynamo.series['raw-put'].summary.median)
        : 'n/a';
    for (const kind of ['node-redis', 'ioredis'] as const) {
      const raw = redis.latency.find((s) => s.phase === phase && s.kind === kind && s.series === 'raw SET');
      const store = redis.latency.find((s) => s.phase === phase && s.kind === kind && s.series === 'RedisStore');
      if (!raw || !store) continue;
      const odd =
        Object.entries(store.unexpected)
          .map(([what, n]) => `${n}× ${what}`)
          .join(', ') || 'none';
      rows.push([
        phase === 'first' ? 'first execution' : 'replay',
        kind,
        ms(raw.summary.median),
        ms(store.summary.median),
        ratio(store.summary.median / raw.summary.median),
        ms(raw.summary.p99),
        ms(store.summary.p99),
        ratio(store.summary.p99 / raw.summary.p99),
        dynamoRatio,
        odd,
      ]);
    }
  }
  return table(
    [
      'phase',
      'client',
      'raw SET median ms',
      'RedisStore median ms',
      'median ÷ SET',
      'raw SET p99 ms',
      'RedisStore p99 ms',
      'p99 ÷ SET',
      'DynamoDbStore median ÷ raw PutItem (same run)',
      'unexpected answers',
    ],
    rows,
  );
}

function stormTable(redis: RedisMeasurements): string {
  return table(
    [
      'client',
      'handler executions',
      'keys run twice+',
      'what the 1,000 callers got',
      'keys with differing 201 bodies',
      'round trips',
      'round trips / invocation',
      'wall ms',
    ],
    redis.storm.map((s) => [
      s.kind,
      `${s.executions} (ideal ${s.keys})`,
      String(s.keysRunMoreThanOnce),
      Object.entries(s.outcomes)
        .sort(([, a], [, b]) => b - a)
        .map(([what, n]) => `${what}: ${n}`)
        .join('; '),
      String(s.keysWithDivergentAnswers),
      describeCommands(s.commands, s.totalCalls),
      (s.totalCalls / (s.keys * s.duplicatesPerKey)).toFixed(2),
      ms(s.wallMs),
    ]),
  );
}

/** The Redis column of the report: the same scenarios on `RedisStore`, with both clients. */
export function renderRedisSection(
  redis: RedisMeasurements,
  dynamodb: { calls: readonly CallsRow[]; latency: readonly LatencyPhase[] },
  serverVersion: string,
): string {
  return [
    `## Redis column: RedisStore on redis-server ${serverVersion}`,
    '',
    "One redis-server started by the run (loopback, `--save '' --appendonly no`), one connected client per container, scripts already loaded (a server that has lost its script cache costs one more round trip, once per script). Each transition is one `EVALSHA`, a read one `HGETALL`: round trips are counted on the client.",
    '',
    '### Round trips per invocation (DynamoDB calls beside them)',
    '',
    callsTable(redis, dynamodb.calls),
    '',
    '### Latency as a ratio to a raw `SET` on the same server and client',
    '',
    "Timed like the DynamoDB phases (round-robin, new key per first execution, one completed key replayed). The DynamoDB column is this toolkit's own ratio to a raw `PutItem` in the same run, for scale.",
    '',
    latencyTable(redis, dynamodb.latency),
    '',
    '### The storm on Redis: 50 keys × 20 concurrent duplicates',
    '',
    stormTable(redis),
    '',
  ].join('\n');
}
