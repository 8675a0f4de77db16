import { Choices } from './choices';
import type { Regression } from './regressions';
import { simulate, type RunResult } from './simulate';
import type { TargetFactory } from './target';

/** A regression scenario under `seeds` schedules: the first failing run, if any, with or without its bug. */
export async function runRegression(
  factory: TargetFactory,
  regression: Regression,
  seeds: number,
  withBug: boolean,
): Promise<RunResult | undefined> {
  for (let seed = 1; seed <= seeds; seed++) {
    const target = await factory.open(`regression-${seed}-${withBug ? 'bug' : 'ok'}-${Math.abs(hash(regression.name))}`);
    const result = await simulate(Choices.seeded(seed), target, {
      scenario: regression.scenario,
      mutant: withBug ? regression.bug : undefined,
    });
    if (result.violation) return result;
  }
  return undefined;
}

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (Math.imul(h, 31) + char.charCodeAt(0)) | 0;
  return h;
}
