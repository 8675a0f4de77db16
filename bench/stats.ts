/** Summary statistics of a sample of durations (milliseconds). */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p99: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** The q-quantile (0..1) of sorted values, by linear interpolation between closest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  return a + (b - a) * (position - lower);
}

/** Median, p99, mean, min and max of `values`. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    mean: sorted.length ? total / sorted.length : NaN,
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/** A difference of a statistic between two paired samples, with a 95% bootstrap interval. */
export interface Difference {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

/** mulberry32: a small seeded generator (uniform in [0, 1)), so the bootstrap and the network jitter repeat run to run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `q`-quantile of `a` minus that of `b`, where `a[i]` and `b[i]` were taken in the same round, with a
 * 95% paired bootstrap interval (rounds resampled with replacement): an interval that spans 0 means
 * the two cannot be told apart in this run.
 */
export function pairedQuantileDifference(a: readonly number[], b: readonly number[], q: number, resamples = 2000): Difference {
  const n = Math.min(a.length, b.length);
  const stat = (xs: Float64Array) => quantile(Array.from(xs.sort()), q);
  const estimate = stat(Float64Array.from(a.slice(0, n))) - stat(Float64Array.from(b.slice(0, n)));
  const random = seeded(n * 7919 + Math.round(q * 1000));
  const diffs: number[] = [];
  const ra = new Float64Array(n);
  const rb = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const pick = Math.floor(random() * n);
      ra[i] = a[pick]!;
      rb[i] = b[pick]!;
    }
    diffs.push(stat(ra) - stat(rb));
  }
  diffs.sort((x, y) => x - y);
  return { estimate, low: quantile(diffs, 0.025), high: quantile(diffs, 0.975) };
}
