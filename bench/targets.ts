import type { BundleResult } from './bundle';
import type { CallsRow } from './calls';
import { signed } from './markdown';
import { COUNTED_SHAPES, dynamoDbRows, type DynamoDbProfile } from './profile';
import type { RedisMeasurements } from './redis';
import { pairedQuantileDifference } from './stats';
import type { StormResult } from './storm';

/** One target of the issue, checked against the figures of this run. */
export interface TargetCheck {
  readonly target: string;
  readonly met: boolean;
  /** The figures behind the verdict, in words. */
  readonly detail: string;
}

/** Everything one `npm run bench` measured. */
export interface Measurements {
  readonly profiles: readonly DynamoDbProfile[];
  /** Duplicates reaching a second container while the first runs (loopback). */
  readonly inFlight: readonly CallsRow[];
  /** The storm on DynamoDB (loopback), per library. */
  readonly storm: readonly StormResult[];
  readonly redis: RedisMeasurements;
  readonly bundles: readonly BundleResult[];
}

const counts = (rows: readonly (CallsRow | undefined)[]) => rows.map((row) => (row ? String(row.total) : '?')).join(' / ');

/** Call counts per shape (first, replay, replay from cache, throws): ours never above the peer's. */
function callTarget(profile: DynamoDbProfile): TargetCheck {
  const rows = dynamoDbRows(profile).filter((row) => COUNTED_SHAPES.includes(row.shape));
  return {
    target: `DynamoDB calls per shape ≤ peer's (${profile.id})`,
    met: rows.every((row) => row.oursCalls && row.peerCalls && row.oursCalls.total <= row.peerCalls.total),
    detail: `${counts(rows.map((row) => row.oursCalls))} vs ${counts(rows.map((row) => row.peerCalls))} (first / replay / replay from local cache / handler throws)`,
  };
}

/** First execution as a ratio to a raw PutItem of the same loop: ours at most the peer's, median and p99. */
function firstTargets(profile: DynamoDbProfile): TargetCheck[] {
  const { floor, ours, peer } = dynamoDbRows(profile)[0]!;
  if (!floor || !ours || !peer) return [];
  return (
    [
      ['median', 0.5],
      ['p99', 0.99],
    ] as const
  ).map(([stat, q]) => {
    // Same floor for both, so comparing the ratios is comparing the two series round by round, with their noise.
    const diff = pairedQuantileDifference(ours.samples, peer.samples, q);
    const noise = diff.low <= 0 && diff.high >= 0 ? 'within noise' : diff.estimate > 0 ? 'ours slower' : 'ours faster';
    return {
      target: `first execution ÷ PutItem ≤ peer's, ${stat} (${profile.id})`,
      met: ours.summary[stat] <= peer.summary[stat],
      detail: `${(ours.summary[stat] / floor.summary[stat]).toFixed(2)}× vs ${(peer.summary[stat] / floor.summary[stat]).toFixed(2)}×; ours − peer ${signed(diff.estimate)} ms, 95% CI ${signed(diff.low)}…${signed(diff.high)} (${noise})`,
    };
  });
}

/** Own module load over the bare handler + `DynamoDBClient`: at most half the peer's. */
function loadTarget(bundles: readonly BundleResult[]): TargetCheck[] {
  const get = (id: string) => bundles.find((b) => b.id === id);
  const [bare, ours, peer] = [get('bare'), get('ours'), get('powertools')];
  if (!bare || !ours || !peer) return [];
  const over = (of: BundleResult) => pairedQuantileDifference(of.loadSdkPreloaded.samples, bare.loadSdkPreloaded.samples, 0.5);
  const [a, b] = [over(ours), over(peer)];
  return [
    {
      target: "own module load over bare + DynamoDBClient ≤ ½ peer's (median)",
      met: a.estimate * 2 <= b.estimate,
      detail: `${signed(a.estimate)} ms (95% CI ${signed(a.low)}…${signed(a.high)}) vs ${signed(b.estimate)} ms (${signed(b.low)}…${signed(b.high)}); ratio ${b.estimate > 0 ? (a.estimate / b.estimate).toFixed(2) : 'n/a'}`,
    },
  ];
}

/** Every target of issue 26's item 6 that the bench measures (the size budgets live in `npm run size`). */
export function checkTargets(m: Measurements): TargetCheck[] {
  return [...loadTarget(m.bundles), ...m.profiles.flatMap((profile) => [callTarget(profile), ...firstTargets(profile)])];
}
