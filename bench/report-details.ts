import { LABELS, type ContenderId } from './contenders';
import { describeCommands, ms, table } from './markdown';
import type { StormResult } from './storm';
import type { Measurements } from './targets';

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
