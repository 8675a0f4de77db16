import type { RunResult } from './simulate';

/** Reruns a schedule given as a list of choices. */
export type Rerun = (choices: readonly number[]) => Promise<RunResult>;

/** Which of two failing runs is simpler: fewer steps, then fewer choices, then smaller ones. */
function simpler(a: RunResult, b: RunResult): boolean {
  if (a.steps !== b.steps) return a.steps < b.steps;
  if (a.choices.length !== b.choices.length) return a.choices.length < b.choices.length;
  return sum(a.choices) < sum(b.choices);
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/**
 * Shrinks a failing run to the simplest schedule that still breaks the same invariant: cuts the choice list
 * short, deletes chunks of it (halves down to single choices), then lowers single choices toward 0 (the tamest
 * answer: the oldest step, no fault). Stops after `maxRuns` reruns.
 */
export async function shrink(failing: RunResult, rerun: Rerun, maxRuns = 500): Promise<RunResult> {
  const invariant = failing.violation?.invariant;
  if (!invariant) return failing;
  let best = failing;
  let runs = 0;
  const attempt = async (choices: readonly number[]): Promise<boolean> => {
    if (runs >= maxRuns) return false;
    runs++;
    const result = await rerun(choices);
    if (result.violation?.invariant !== invariant || !simpler(result, best)) return false;
    best = result;
    return true;
  };
  for (let improved = true; improved && runs < maxRuns; ) {
    improved = false;
    for (let size = Math.max(1, best.choices.length >> 1); size >= 1; size >>= 1) {
      for (let at = best.choices.length - size; at >= 0; at -= size) {
        const cut = [...best.choices.slice(0, at), ...best.choices.slice(at + size)];
        if (await attempt(cut)) improved = true;
      }
    }
    for (let at = 0; at < best.choices.length; at++) {
      const value = best.choices[at]!;
      for (const lower of value > 1 ? [0, value >> 1, value - 1] : value === 1 ? [0] : []) {
        const edited = [...best.choices];
        edited[at] = lower;
        if (await attempt(edited)) {
          improved = true;
          break;
        }
      }
    }
  }
  return best;
}

/** A failure as printed: the invariant, how to replay it, and the shrunk schedule step by step. */
export function describeFailure(seed: number | undefined, original: RunResult, shrunk: RunResult, store: string): string {
  const lines = [
    `${shrunk.violation?.message}`,
    seed === undefined ? '' : `seed ${seed} (${original.steps} steps): npm run simulate -- --store ${store} --seed ${seed}`,
    `shortest schedule found: ${shrunk.steps} steps, replay with: npm run simulate -- --store ${store} --replay ${shrunk.choices.join(',')}`,
    `scenario: ${JSON.stringify(shrunk.scenario)}`,
    ...shrunk.trace,
  ];
  return lines.filter((line) => line !== '').join('\n');
}
