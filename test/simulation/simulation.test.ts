import { CI_BUDGET } from './budget';
import { Choices } from './choices';
import { memoryTargets } from './memory-target';
import { completeIgnoresFence } from './mutants';
import { runSeeds } from './run-seeds';
import { describeFailure, shrink } from './shrink';
import { simulate, type RunResult } from './simulate';

describe('the protocol under simulation, on the memory store', () => {
  it('replays a seed exactly: its recorded choices give the same schedule, step for step', async () => {
    // One operation name (record ids, which the trace shows, derive from it); each open is a fresh store.
    const first = await simulate(Choices.seeded(42), await memoryTargets.open('a'));
    const again = await simulate(Choices.seeded(42), await memoryTargets.open('a'));
    const replayed = await simulate(Choices.replay(first.choices), await memoryTargets.open('a'));
    expect(first.steps).toBeGreaterThan(10);
    expect(again.trace).toEqual(first.trace);
    expect(replayed.trace).toEqual(first.trace);
    expect(replayed.choices).toEqual(first.choices);
  });

  it(`keeps every invariant over ${CI_BUDGET.memorySeeds} seeds (claims, crashes, lost answers, pauses, skew, TTL, outages)`, async () => {
    const batch = await runSeeds(memoryTargets, { seeds: CI_BUDGET.memorySeeds });
    expect(batch.failures.map((failure) => failure.report)).toEqual([]);
    expect(batch.seedsRun).toBe(CI_BUDGET.memorySeeds);
  }, 600_000);

  it('shrinks a failing seed to a shorter schedule that breaks the same invariant, and prints how to replay it', async () => {
    let failing: RunResult | undefined;
    for (let seed = 1; !failing; seed++) {
      const result = await simulate(Choices.seeded(seed), await memoryTargets.open('f'), { mutant: completeIgnoresFence });
      if (result.violation && result.steps >= 30) failing = result; // a long one, with room to shrink
    }
    const rerun = async (choices: readonly number[]) =>
      simulate(Choices.replay(choices), await memoryTargets.open('s'), { mutant: completeIgnoresFence });
    const shrunk = await shrink(failing, rerun);
    expect(shrunk.violation?.invariant).toBe(failing.violation?.invariant);
    expect(shrunk.steps).toBeLessThan(failing.steps);
    expect((await rerun(shrunk.choices)).trace).toEqual(shrunk.trace);
    expect(describeFailure(7, failing, shrunk, 'memory')).toContain(
      `npm run simulate -- --store memory --replay ${shrunk.choices.join(',')}`,
    );
  }, 120_000);
});
