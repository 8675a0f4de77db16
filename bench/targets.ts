import type { BundleResult } from './bundle';
import type { CallsRow } from './calls';
import { JUDGED, PEER_OF, type ContenderId } from './contenders';
import type { LatencyPhase } from './latency';
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
  readonly calls: readonly CallsRow[];
  readonly latency: readonly LatencyPhase[];
  readonly storm: readonly StormResult[];
  readonly bundles: readonly BundleResult[];
}

/** The judged pairs: each of our judged variants and its Powertools counterpart. */
const PEERS = [...JUDGED].map((id) => [id, PEER_OF[id]!] as [ContenderId, ContenderId]);

const fmt = (ms: number) => ms.toFixed(2);
const signed = (ms: number) => `${ms >= 0 ? '+' : '−'}${Math.abs(ms).toFixed(2)}`;

/** DynamoDB calls: ours never above the peer's, scenario by scenario, and per invocation in the storm. */
function callTargets(m: Measurements): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const row of m.calls) {
    const peerId = JUDGED.has(row.contender) ? PEER_OF[row.contender] : undefined;
    const peer = peerId && m.calls.find((other) => other.contender === peerId && other.scenario === row.scenario);
    if (!peer) continue;
    checks.push({
      target: `DynamoDB calls ≤ peer: ${row.scenario}`,
      met: row.total <= peer.total,
      detail: `${row.total} vs ${peer.total} (ours: ${row.outcome}; Powertools: ${peer.outcome})`,
    });
  }
  const ours = m.storm.find((s) => s.contender === 'ours');
  const peer = m.storm.find((s) => s.contender === 'powertools');
  if (ours && peer) {
    checks.push({
      target: 'DynamoDB calls ≤ peer: storm (50 keys × 20)',
      met: ours.totalCalls <= peer.totalCalls,
      detail: `${ours.totalCalls} vs ${peer.totalCalls} calls for ${ours.keys * ours.duplicatesPerKey} invocations`,
    });
  }
  return checks;
}

/** Added latency over the bare handler: ours at most the peer's, median and p99, per phase. */
function latencyTargets(m: Measurements): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const phase of m.latency) {
    const bare = phase.series.bare?.summary;
    if (!bare) continue;
    for (const [oursId, peerId] of PEERS) {
      const ours = phase.series[oursId]?.summary;
      const peer = phase.series[peerId]?.summary;
      if (!ours || !peer) continue;
      for (const [stat, q] of [
        ['median', 0.5],
        ['p99', 0.99],
      ] as const) {
        const a = ours[stat] - bare[stat];
        const b = peer[stat] - bare[stat];
        // ours − bare − (peer − bare) = ours − peer: compared round by round, with its noise.
        const diff = pairedQuantileDifference(phase.series[oursId]!.samples, phase.series[peerId]!.samples, q);
        const noise = diff.low <= 0 && diff.high >= 0 ? 'within noise' : diff.estimate > 0 ? 'ours slower' : 'ours faster';
        checks.push({
          target: `added latency ≤ peer: ${phase.phase}${oursId.endsWith('cache') ? ' (local cache)' : ''}, ${stat}`,
          met: a <= b,
          detail: `${signed(a)} ms vs ${signed(b)} ms over bare; difference ${signed(diff.estimate)} ms, 95% CI ${signed(diff.low)}…${signed(diff.high)} (${noise})`,
        });
      }
    }
  }
  return checks;
}

/** Bundle at most a third of the peer's; module-load cost over bare at most half of the peer's. */
function bundleTargets(m: Measurements): TargetCheck[] {
  const get = (id: string) => m.bundles.find((b) => b.id === id);
  const [bare, ours, peer] = [get('bare'), get('ours'), get('powertools')];
  if (!bare || !ours || !peer) return [];
  const oursLoad = ours.load.median - bare.load.median;
  const peerLoad = peer.load.median - bare.load.median;
  // Rounds are paired (round-robin), so each cost over bare gets a paired bootstrap interval.
  const interval = (of: BundleResult, mode: 'load' | 'loadSdkPreloaded') => {
    const d = pairedQuantileDifference(of[mode].samples, bare[mode].samples, 0.5);
    return `${signed(d.estimate)} (95% CI ${signed(d.low)}…${signed(d.high)})`;
  };
  const preloaded = (of: BundleResult) => of.loadSdkPreloaded.median - bare.loadSdkPreloaded.median;
  return [
    {
      target: 'bundle ≤ ⅓ of peer (minified bytes)',
      met: ours.bytes * 3 <= peer.bytes,
      detail: `${ours.bytes} B vs ${peer.bytes} B (ratio ${(ours.bytes / peer.bytes).toFixed(3)}; gzip ${ours.gzipBytes} vs ${peer.gzipBytes}, ratio ${(ours.gzipBytes / peer.gzipBytes).toFixed(3)})`,
    },
    {
      target: 'module-load cost over bare ≤ ½ of peer (median)',
      met: oursLoad * 2 <= peerLoad,
      detail: `${interval(ours, 'load')} ms vs ${interval(peer, 'load')} ms over bare (bare: ${fmt(bare.load.median)} ms); ratio ${peerLoad > 0 ? (oursLoad / peerLoad).toFixed(2) : 'n/a'}`,
    },
    {
      target: 'module-load cost over bare ≤ ½ of peer, SDK preloaded (the library alone; for information)',
      met: preloaded(ours) * 2 <= preloaded(peer),
      detail: `${interval(ours, 'loadSdkPreloaded')} ms vs ${interval(peer, 'loadSdkPreloaded')} ms over bare (bare: ${fmt(bare.loadSdkPreloaded.median)} ms); ratio ${preloaded(peer) > 0 ? (preloaded(ours) / preloaded(peer)).toFixed(2) : 'n/a'}`,
    },
  ];
}

/** Every target, with its verdict. */
export function checkTargets(m: Measurements): TargetCheck[] {
  return [...callTargets(m), ...latencyTargets(m), ...bundleTargets(m)];
}
