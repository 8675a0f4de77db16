import type { BundleResult } from './bundle';
import type { CallsRow } from './calls';
import type { ContenderId } from './contenders';
import type { Series } from './latency';
import { ms, signed, table } from './markdown';
import { dynamoDbRows, redisRows, type DynamoDbProfile, type ShapeRow } from './profile';
import type { Measurements, TargetCheck } from './targets';

/** Where and with what the figures were taken. */
export interface RunInfo {
  readonly command: string;
  readonly date: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string; readonly platform: string };
  readonly versions: Readonly<Record<string, string>>;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly durationSeconds: number;
}

/** `11.66 (2.65×)`: a statistic and its ratio to the floor's, or `—` when not timed. */
function againstFloor(series: Series | undefined, floor: Series | undefined, stat: 'median' | 'p99'): string {
  if (!series || !floor) return '—';
  return `${ms(series.summary[stat])} (${(series.summary[stat] / floor.summary[stat]).toFixed(2)}×)`;
}

function unexpected(...series: (Series | undefined)[]): string {
  const odd = series.flatMap((s) => Object.entries(s?.unexpected ?? {}).map(([what, n]) => `${n}× ${what}`));
  return odd.join(', ') || 'none';
}

/** One profile's table: per shape, the calls and both libraries' median and p99, each with its ratio to the floor. */
function profileTable(rows: readonly (ShapeRow & { client?: string })[], floorName: string, peerName?: string): string {
  const withPeer = peerName !== undefined;
  const calls = (row: CallsRow | undefined) => (row ? String(row.total) : '—');
  return table(
    [
      'shape',
      withPeer ? 'calls (ours / peer)' : 'round trips',
      `raw ${floorName} median / p99 ms`,
      `ours median ms (÷ ${floorName})`,
      ...(withPeer ? [`${peerName} median ms (÷ ${floorName})`] : []),
      `ours p99 ms (÷ ${floorName})`,
      ...(withPeer ? [`${peerName} p99 ms (÷ ${floorName})`] : []),
      'unexpected answers',
    ],
    rows.map((row) => [
      row.client ? `${row.client}: ${row.shape}` : row.shape,
      withPeer ? `${calls(row.oursCalls)} / ${calls(row.peerCalls)}` : calls(row.oursCalls),
      row.floor ? `${ms(row.floor.summary.median)} / ${ms(row.floor.summary.p99)}` : '—',
      againstFloor(row.ours, row.floor, 'median'),
      ...(withPeer ? [againstFloor(row.peer, row.floor, 'median')] : []),
      againstFloor(row.ours, row.floor, 'p99'),
      ...(withPeer ? [againstFloor(row.peer, row.floor, 'p99')] : []),
      row.floor ? unexpected(row.ours, row.peer) : '—',
    ]),
  );
}

/** What atomic completion costs in this profile: `idem.write` (claim + one transaction) against three separate writes. */
function atomicLine(profile: DynamoDbProfile): string {
  const ours = profile.latency.write;
  const [atomic, separate] = [ours['ours-atomic'], ours['ours-separate']];
  if (!atomic || !separate) return '';
  const units = (id: ContenderId) => profile.calls.find((row) => row.contender === id)?.writeUnits ?? '?';
  const part = (stat: 'median' | 'p99') =>
    `${stat} ${ms(atomic.summary[stat])} vs ${ms(separate.summary[stat])} ms (${signed(atomic.summary[stat] - separate.summary[stat])} ms, ${(atomic.summary[stat] / separate.summary[stat]).toFixed(2)}×)`;
  return `Atomic completion here: \`idem.write\` (claim + one \`TransactWriteItems\`) against three separate writes (claim, the handler's own \`PutItem\`, completion): ${part('median')}; ${part('p99')}. Write units per execution: ${units('ours-atomic')} vs ${units('ours-separate')} (a transaction bills two per item).`;
}

function loadTable(bundles: readonly BundleResult[]): string {
  const bare = bundles.find((b) => b.id === 'bare');
  const peer = bundles.find((b) => b.id === 'powertools');
  if (!bare || !peer) return '';
  const own = (b: BundleResult) => b.loadSdkPreloaded.median - bare.loadSdkPreloaded.median;
  return table(
    [
      'bundle',
      'minified bytes',
      'gzip bytes',
      'load, SDK preloaded: median ms',
      'own load over bare + DynamoDBClient, ms',
      '÷ Powertools',
      'cold load incl. the SDK: median ms (min…max)',
    ],
    bundles.map((b) => [
      b.id,
      String(b.bytes),
      String(b.gzipBytes),
      ms(b.loadSdkPreloaded.median),
      b === bare ? '' : signed(own(b)),
      b === bare ? '' : (own(b) / own(peer)).toFixed(2),
      `${ms(b.load.median)} (${ms(b.load.min)}…${ms(b.load.max)})`,
    ]),
  );
}

function targetsTable(checks: readonly TargetCheck[]): string {
  return table(
    ['target', 'met?', 'figures (this toolkit vs Powertools)'],
    checks.map((c) => [c.target, c.met ? 'met' : '**not met**', c.detail]),
  );
}

/** The headline: targets, module load, and one table per profile. What `npm run bench` prints. */
export function renderSummary(info: RunInfo, m: Measurements, checks: readonly TargetCheck[]): string {
  const versions = Object.entries(info.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const settings = Object.entries(info.settings)
    .map(([name, value]) => `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('; ');
  return [
    '# Idempotency benchmark: this toolkit beside Powertools for AWS Lambda',
    '',
    `- **Command**: \`${info.command}\`, ${info.date} (the run took ${info.durationSeconds.toFixed(0)} s)`,
    `- **Machine**: ${info.machine.cpu}, ${info.machine.cores} cores, Node ${info.machine.node}, ${info.machine.platform}`,
    `- **Versions**: ${versions}`,
    `- **Settings**: ${settings}`,
    '- **Setup**: one process, one DynamoDB Local (in memory) started by the run; each library on its own table and its own `DynamoDBClient`, each loaded as it is installed (this toolkit from its built `dist/`, Powertools from its published package: neither through the TypeScript loader); the same HTTP API (2.0) event for both: `POST /payments` with an `Idempotency-Key` header, a JSON body and a JWT principal; a fresh Lambda context per invocation. The wrapped handler is a fake charge answering 201 (no I/O, unless it writes one order). Times are wall clock around one `await handler(event, context)`; series of one loop are interleaved round-robin, and every ratio divides by the raw call timed in that same loop. A benchmark, not a test: nothing asserts a time.',
    '',
    '## Targets (issue 26, item 6)',
    '',
    targetsTable(checks),
    '',
    '## Module load',
    '',
    'esbuild bundles (minified, cjs, node22, `@aws-sdk/*` external as the Lambda runtime provides it), each `require()`d in a fresh `node`, timed inside the child, bundles round-robin. "bare" is the same handler constructing a `DynamoDBClient`. "SDK preloaded": the child loads `@aws-sdk/client-dynamodb` first, untimed, so what remains is the library\'s own load (and any SDK package only it uses); the cold figure includes the SDK\'s load, common to all and most of the noise.',
    '',
    loadTable(m.bundles),
    '',
    ...m.profiles.flatMap((profile) => [
      `## Profile: ${profile.title}`,
      '',
      `${profile.intro} ${profile.options.warmup} warm-up + ${profile.options.iterations} timed rounds per loop.`,
      '',
      profileTable(dynamoDbRows(profile), 'PutItem', 'Powertools'),
      '',
      atomicLine(profile),
      '',
    ]),
    `## Profile: Redis (RedisStore on redis-server, loopback)`,
    '',
    "No peer column: Powertools' Redis layer is not compared here. Each transition is one `EVALSHA`, a read one `HGETALL`; the floor is a raw `SET` on the same client. Scripts are loaded before timing (a server that lost its script cache costs one more round trip, once per script).",
    '',
    profileTable(redisRows(m.redis), 'SET'),
    '',
  ].join('\n');
}
