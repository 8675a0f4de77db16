import type { BundleResult } from './bundle';
import type { CallsRow } from './calls';
import { LABELS, type ContenderId } from './contenders';
import type { Series } from './latency';
import { dynamoDbRows, redisRows, type DynamoDbProfile, type ShapeRow } from './profile';
import type { StormResult } from './storm';
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

const ms = (value: number) => value.toFixed(2);
const signed = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;

/** A markdown table with its columns padded, so it reads the same in a terminal as rendered. */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** `2: PutItem + UpdateItem`, or `0`. */
function describeCommands(commands: Readonly<Record<string, number>>, total: number): string {
  const parts = Object.entries(commands).map(([name, n]) => `${n > 1 ? `${n}× ` : ''}${name.replace(/Command$/, '')}`);
  return parts.length ? `${total}: ${parts.join(' + ')}` : '0';
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
    '- **Setup**: one process, one DynamoDB Local (in memory) started by the run; each library on its own table and its own `DynamoDBClient`; the same HTTP API (2.0) event for both: `POST /payments` with an `Idempotency-Key` header, a JSON body and a JWT principal; a fresh Lambda context per invocation. The wrapped handler is a fake charge answering 201 (no I/O, unless it writes one order). Times are wall clock around one `await handler(event, context)`; series of one loop are interleaved round-robin, and every ratio divides by the raw call timed in that same loop. A benchmark, not a test: nothing asserts a time.',
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

function callsTable(m: Measurements): string {
  const loopback = m.profiles.find((p) => p.id === 'loopback');
  const rows = [...(loopback?.calls ?? []), ...m.inFlight];
  return table(
    ['scenario', 'variant', 'calls', 'its caller got', 'time ms (one invocation, indicative)'],
    rows.map((row) => [
      row.scenario,
      LABELS[row.contender as ContenderId] ?? row.contender,
      describeCommands(row.commands, row.total),
      row.outcome,
      ms(row.elapsedMs),
    ]),
  );
}

function stormTable(results: readonly { store: string; result: StormResult }[]): string {
  return table(
    [
      'store',
      'variant',
      'handler executions',
      'keys run twice+',
      'what the 1,000 callers got',
      'keys with differing 201 bodies',
      'store calls',
      'per invocation',
      'wall ms',
    ],
    results.map(({ store, result: s }) => [
      store,
      LABELS[s.contender as ContenderId] ?? s.contender,
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

/** What the tables do not show: the two libraries do not promise the same thing for the same calls. */
const NOTES = [
  "Powertools is configured as its documentation shows for API Gateway (`eventKeyJmesPath: 'headers.\"idempotency-key\"'`, `payloadValidationJmesPath: 'body'`), plus `throwOnNoIdempotencyKey: true` and a 24 h expiry to match this toolkit's defaults. Its key is the header alone; this toolkit scopes the key by route and JWT principal, so one caller's key never meets another's.",
  'A duplicate in flight: this toolkit waits (up to `inFlightWaitMs`, 5 s by default, polling a consistent `GetItem`) and then replays the first response or answers 409 with `Retry-After`; Powertools throws `IdempotencyAlreadyInProgressError` at once, which API Gateway turns into a 5xx unless the function catches it. The extra `GetItem`s are that wait; `inFlightWaitMs: 0` shows the same library without it.',
  "Completion and release: both libraries use one `UpdateItem` / `DeleteItem`, but this toolkit's are conditioned on the lease token (a late invocation cannot overwrite a newer owner's record); Powertools' are unconditional.",
  '`idem.write` buys atomicity, not speed: the order and the stored response land together or not at all, where three separate writes can leave an order without its record (a crash between them re-runs the handler). On real DynamoDB a transaction takes about 3× a put at the median and bills two write units per item, which the network profile models.',
  "DynamoDB Local is not DynamoDB: loopback times are this machine's; the ratios to a raw `PutItem` and the call counts carry over better than the milliseconds, and the network profile shows what the overhead is worth once every call costs a real round trip.",
];

/** The details under the headline: calls by command, in-flight duplicates, the storms, what fills each bundle, reading notes. */
export function renderDetails(m: Measurements): string {
  const inputs = m.bundles
    .filter((b) => b.id !== 'bare')
    .map(
      (b) =>
        `- **${b.id}**: ${b.topInputs
          .slice(0, 8)
          .map((i) => `${i.input} ${i.bytes}`)
          .join(', ')}`,
    )
    .join('\n');
  return [
    '## Details',
    '',
    '### Calls per invocation, by command (loopback)',
    '',
    "Counted by middleware on each container's client (containers warmed by one untimed invocation). In-flight rows: a second container gets the same request while the first is held inside the handler.",
    '',
    callsTable(m),
    '',
    '### The storm: 50 keys × 20 concurrent duplicates',
    '',
    'All 1,000 invocations of one variant started together on one warm container (duplicates spread through the burst), one variant at a time, loopback. `threw …` is what a Lambda behind API Gateway turns into a 5xx.',
    '',
    stormTable([
      ...m.storm.map((result) => ({ store: 'DynamoDB', result })),
      ...m.redis.storm.map((result) => ({ store: 'Redis', result })),
    ]),
    '',
    '### Largest inputs in each bundle (bytes in output)',
    '',
    inputs,
    '',
    '### Reading the figures',
    '',
    ...NOTES.map((note) => `- ${note}`),
    '',
  ].join('\n');
}
