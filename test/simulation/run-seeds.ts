import { Choices } from './choices';
import type { Mutant } from './mutant';
import { describeFailure, shrink } from './shrink';
import { simulate, type RunOptions, type RunResult } from './simulate';
import type { TargetFactory } from './target';

/** A batch of seeds to run. */
export interface SeedBatch {
  /** The first seed. @default 1 */
  readonly from?: number;
  /** How many seeds at most. */
  readonly seeds: number;
  /** Stops early after this many ms (a long run's `--for`), checked between seeds. @default no bound */
  readonly forMs?: number;
  readonly mutant?: Mutant;
  /** Stop at the first failure (mutation checks, CI). @default true */
  readonly stopAtFailure?: boolean;
  /** Reruns spent shrinking each failure. @default 300 */
  readonly shrinkRuns?: number;
}

/** A failing seed, shrunk. */
export interface Failure {
  readonly seed: number;
  readonly invariant: string;
  readonly original: RunResult;
  readonly shrunk: RunResult;
  /** Printable: the invariant, the replay commands and the shortest schedule's trace. */
  readonly report: string;
}

/** What a batch did. */
export interface BatchResult {
  readonly seedsRun: number;
  readonly steps: number;
  readonly elapsedMs: number;
  readonly failures: readonly Failure[];
}

/** Runs seeds one after another on fresh targets of `factory`; each failure is shrunk before it is reported. */
export async function runSeeds(factory: TargetFactory, batch: SeedBatch): Promise<BatchResult> {
  const started = Date.now();
  const from = batch.from ?? 1;
  const failures: Failure[] = [];
  let steps = 0;
  let seedsRun = 0;
  for (let seed = from; seed < from + batch.seeds; seed++) {
    if (batch.forMs !== undefined && Date.now() - started >= batch.forMs) break;
    const options: RunOptions = { mutant: batch.mutant };
    const result = await simulate(Choices.seeded(seed), await factory.open(`s${seed}`), options);
    seedsRun++;
    steps += result.steps;
    if (!result.violation) continue;
    let reruns = 0;
    const shrunk = await shrink(
      result,
      async (choices) => simulate(Choices.replay(choices), await factory.open(`s${seed}-shrink${++reruns}`), options),
      batch.shrinkRuns ?? 300,
    );
    failures.push({
      seed,
      invariant: result.violation.invariant,
      original: result,
      shrunk,
      report: describeFailure(seed, result, shrunk, factory.kind),
    });
    if (batch.stopAtFailure ?? true) break;
  }
  return { seedsRun, steps, elapsedMs: Date.now() - started, failures };
}
