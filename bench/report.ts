import { JUDGED, LABELS, PEER_OF } from './contenders';
import { SCENARIOS, type CallsRow } from './calls';
import type { BundleResult } from './bundle';
import type { LatencyPhase, SeriesId } from './latency';
import type { StormResult } from './storm';
import type { Measurements, TargetCheck } from './targets';

/** Where and with what the figures were taken. */
export interface RunInfo {
  readonly date: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string; readonly platform: string };
  readonly versions: Readonly<Record<string, string>>;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly durationSeconds?: number;
}

const ms = (value: number) => value.toFixed(2);
const ratio = (value: number) => `${value.toFixed(2)}×`;
const signed = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `2: PutItem + UpdateItem`, or `0`. */
export function describeCommands(commands: Readonly<Record<string, number>>, total: number): string {
  const parts = Object.entries(commands).map(([name, n]) => `${n > 1 ? `${n}× ` : ''}${name.replace(/Command$/, '')}`);
  return parts.length ? `${total}: ${parts.join(' + ')}` : '0';
}

function callsSection(rows: readonly CallsRow[]): string {
  const body: string[][] = [];
  for (const scenario of Object.values(SCENARIOS)) {
    for (const ours of rows.filter((r) => r.scenario === scenario && PEER_OF[r.contender])) {
      const peer = rows.find((r) => r.scenario === scenario && r.contender === PEER_OF[ours.contender]);
      if (!peer) continue;
      const variant = JUDGED.has(ours.contender) ? scenario : `${scenario}, with \`${LABELS[ours.contender].split(', ')[1]}\` (not judged)`;
      body.push([
        variant,
        describeCommands(ours.commands, ours.total),
        `${ours.outcome} (${ms(ours.elapsedMs)} ms)`,
        describeCommands(peer.commands, peer.total),
        `${peer.outcome} (${ms(peer.elapsedMs)} ms)`,
      ]);
    }
  }
  return table(['scenario', 'this toolkit: calls', 'its caller got (time)', 'Powertools: calls', 'its caller got (time)'], body);
}

function latencySection(phase: LatencyPhase): string {
  const raw = phase.series['raw-put']?.summary;
  const bare = phase.series.bare?.summary;
  const body = (Object.entries(phase.series) as [SeriesId, NonNullable<LatencyPhase['series'][SeriesId]>][]).map(
    ([id, { summary, unexpected }]) => {
      const name = id === 'raw-put' ? 'raw PutItem (unconditional)' : LABELS[id];
      const odd = Object.entries(unexpected)
        .map(([what, n]) => `${n}× ${what}`)
        .join(', ');
      return [
        name,
        ms(summary.median),
        ms(summary.p99),
        raw ? ratio(summary.median / raw.median) : '',
        raw ? ratio(summary.p99 / raw.p99) : '',
        bare && id !== 'raw-put' && id !== 'bare' ? signed(summary.median - bare.median) : '',
        bare && id !== 'raw-put' && id !== 'bare' ? signed(summary.p99 - bare.p99) : '',
        odd || 'none',
      ];
    },
  );
  return table(
    [
      'series',
      'median ms',
      'p99 ms',
      'median ÷ PutItem',
      'p99 ÷ PutItem',
      'added over bare, median ms',
      'added over bare, p99 ms',
      'unexpected answers',
    ],
    body,
  );
}

function stormSection(results: readonly StormResult[]): string {
  const body = results.map((s) => [
    LABELS[s.contender],
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
  ]);
  return table(
    [
      'library',
      'handler executions',
      'keys run twice+',
      'what the 1,000 callers got',
      'keys with differing 201 bodies',
      'DynamoDB calls',
      'calls / invocation',
      'wall ms',
    ],
    body,
  );
}

function bundleSection(bundles: readonly BundleResult[]): string {
  const bare = bundles.find((b) => b.id === 'bare');
  const peer = bundles.find((b) => b.id === 'powertools');
  const sizes = table(
    ['bundle', 'bytes', 'gzip bytes', 'bytes over bare', 'gzip over bare', 'bytes ÷ Powertools'],
    bundles.map((b) => [
      b.id,
      String(b.bytes),
      String(b.gzipBytes),
      bare ? String(b.bytes - bare.bytes) : '',
      bare ? String(b.gzipBytes - bare.gzipBytes) : '',
      peer ? (b.bytes / peer.bytes).toFixed(3) : '',
    ]),
  );
  const load = table(
    [
      'bundle',
      'runs',
      'median ms',
      'min ms',
      'max ms',
      'cost over bare (median) ms',
      'SDK preloaded: median ms',
      'min ms',
      'max ms',
      'cost over bare (median) ms',
    ],
    bundles.map((b) => [
      b.id,
      String(b.load.n),
      ms(b.load.median),
      ms(b.load.min),
      ms(b.load.max),
      bare ? signed(b.load.median - bare.load.median) : '',
      ms(b.loadSdkPreloaded.median),
      ms(b.loadSdkPreloaded.min),
      ms(b.loadSdkPreloaded.max),
      bare ? signed(b.loadSdkPreloaded.median - bare.loadSdkPreloaded.median) : '',
    ]),
  );
  const inputs = bundles
    .filter((b) => b.id !== 'bare')
    .map(
      (b) =>
        `- **${b.id}**: ${b.topInputs
          .slice(0, 8)
          .map((i) => `${i.input} ${i.bytes}`)
          .join(', ')}`,
    )
    .join('\n');
  return `### Size\n\n${sizes}\n\nLargest inputs in each bundle (bytes in output):\n\n${inputs}\n\n### Cold module load (\`require()\` in a fresh \`node\`, timed inside the child)\n\nBundles interleaved round-robin. “SDK preloaded”: the child first loads \`@aws-sdk/client-dynamodb\` untimed, which leaves out the SDK's load (common to all three, and most of the noise).\n\n${load}`;
}

function targetsSection(checks: readonly TargetCheck[]): string {
  return table(
    ['target', 'met?', 'figures (this toolkit vs Powertools)'],
    checks.map((c) => [c.target, c.met ? 'met' : '**not met**', c.detail]),
  );
}

/** What the tables do not show: the two libraries do not promise the same thing for the same calls. */
const NOTES = [
  "Powertools is configured as the issue asks (`eventKeyJmesPath: 'headers.\"idempotency-key\"'`, `payloadValidationJmesPath: 'body'`, plus `throwOnNoIdempotencyKey: true` and a 24 h expiry to match this toolkit's defaults). Its key is the header alone; this toolkit scopes the key by route and JWT principal, so one caller's key never meets another's.",
  'A duplicate in flight: this toolkit waits (up to `inFlightWaitMs`, 5 s by default, polling a consistent `GetItem` at 40 ms doubling to 400 ms, jittered) and then replays the first response or answers 409 with `Retry-After`; Powertools throws `IdempotencyAlreadyInProgressError` at once, which API Gateway turns into a 5xx unless the function catches it. The extra `GetItem`s are that wait; the `inFlightWaitMs: 0` rows show the same library without it.',
  "Completion and release: both libraries use one `UpdateItem` / `DeleteItem`, but this toolkit's are conditioned on the lease token (a late invocation cannot overwrite a newer owner's record); Powertools' are unconditional.",
  'A replay from this toolkit carries `Idempotent-Replayed: true` and only the replay-safe headers; Powertools returns the stored object as it was.',
  "Neither library emits metrics here: this toolkit's EMF line is on by default only inside Lambda (`AWS_LAMBDA_FUNCTION_NAME` set), which this run does not pretend to be.",
  'DynamoDB Local is not DynamoDB: absolute times are loopback times on this machine; the ratios to a raw `PutItem` and the call counts carry over better than the milliseconds.',
];

/** The whole report, as markdown (also what is printed). */
export function renderReport(info: RunInfo, m: Measurements, checks: readonly TargetCheck[]): string {
  const versions = Object.entries(info.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const settings = Object.entries(info.settings)
    .map(([name, value]) => `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('; ');
  return [
    '# Idempotency benchmark: this toolkit beside Powertools for AWS Lambda',
    '',
    `- **Date**: ${info.date}${info.durationSeconds ? ` (run took ${info.durationSeconds.toFixed(0)} s)` : ''}`,
    `- **Machine**: ${info.machine.cpu}, ${info.machine.cores} cores, Node ${info.machine.node}, ${info.machine.platform}`,
    `- **Versions**: ${versions}`,
    `- **Settings**: ${settings}`,
    '- **Setup**: one process, one DynamoDB Local (in memory, on loopback) started by the run; each library on its own table and its own `DynamoDBClient`; the same HTTP API (2.0) events: `POST /payments` with an `Idempotency-Key` header, a JSON body and a JWT principal; a fresh Lambda context (30 s remaining) per invocation. The wrapped handler is a trivial fake charge (no I/O) answering 201. Times are wall clock around one `await handler(event, context)`. A benchmark, not a test: nothing here asserts a time.',
    '',
    '## Targets of the issue',
    '',
    targetsSection(checks),
    '',
    '## DynamoDB calls per invocation, by command',
    '',
    "Counted by middleware on each container's client (containers warmed by one untimed invocation). In-flight rows: a second container gets the same request while the first is held inside the handler; its calls and answer are shown. Times are of that one invocation, indicative only.",
    '',
    callsSection(m.calls),
    '',
    ...m.latency.flatMap((phase) => [
      `## Latency: ${phase.phase === 'first' ? 'first execution (a new key each time)' : 'replay of a completed key'}`,
      '',
      `${phase.iterations} timed rounds after ${phase.warmup} warm-up rounds, series interleaved round-robin.`,
      '',
      latencySection(phase),
      '',
    ]),
    '## The storm: 50 keys × 20 concurrent duplicates',
    '',
    'All 1,000 invocations of one library started together (duplicates spread through the burst); one library at a time. `threw …` is what a Lambda behind API Gateway turns into a 5xx.',
    '',
    stormSection(m.storm),
    '',
    '## Bundle',
    '',
    'esbuild (JS API): bundle, minify, platform node, target node22, format cjs, `@aws-sdk/*` external (the Lambda runtime provides it). Entries in `bench/entries/`: the bare one only constructs a `DynamoDBClient`.',
    '',
    bundleSection(m.bundles),
    '',
    '## Reading the figures',
    '',
    ...NOTES.map((note) => `- ${note}`),
    '',
  ].join('\n');
}
