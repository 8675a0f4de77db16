/**
 * Where every decision of a simulated run comes from: a seeded PRNG (mulberry32), or a recorded list of
 * choices being replayed. Every answer is recorded, so a run is its list of choices, and shrinking edits
 * that list. 0 is always the tamest answer (the first ready step, no fault, the smallest number), so a
 * list shrunk toward zeros is a schedule with fewer surprises.
 */
export class Choices {
  /** Every answer given so far, in order: replaying them gives the same run. */
  readonly taken: number[] = [];
  private state: number;

  private constructor(
    seed: number,
    private readonly script: readonly number[] | undefined,
  ) {
    this.state = seed >>> 0;
  }

  /** Choices drawn from `seed`. */
  static seeded(seed: number): Choices {
    return new Choices(seed, undefined);
  }

  /** Choices replayed from `script`; past its end, every answer is 0. */
  static replay(script: readonly number[]): Choices {
    return new Choices(0, script);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (n <= 1) return this.record(0);
    if (this.script) return this.record(Math.min(this.script[this.taken.length] ?? 0, n - 1));
    return this.record(Math.floor(this.next() * n));
  }

  /** True with probability `p`; the answer 0 means false, so shrinking removes faults. */
  chance(p: number): boolean {
    return this.int(1000) >= 1000 - Math.round(p * 1000);
  }

  /** An integer in [min, max], shrinking toward `min`. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** One of `items`, shrinking toward the first. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  private record(value: number): number {
    this.taken.push(value);
    return value;
  }

  // mulberry32: small, fast and good enough to spread schedules; never Math.random.
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
