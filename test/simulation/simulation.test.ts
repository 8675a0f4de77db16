import { CI_BUDGET } from './budget';
import { Choices } from './choices';
import { memoryTargets } from './memory-target';
import { claimIgnoresLease } from './mutants';
import { runSeeds } from './run-seeds';
import { shrink } from './shrink';
import { simulate } from './simulate';

describe('the protocol under simulation, on the memory store', () => {
  it('replays a seed exactly: its recorded choices give the same schedule, step for step', async () => {
    const first = await simulate(Choices.seeded(42), await memoryTargets.open('a'));
    const again = await simulate(Choices.seeded(42), await memoryTargets.open('b'));
    const replayed = await simulate(Choices.replay(first.choices), await memoryTargets.open('c'));
    expect(first.steps).toBeGreaterThan(10);
    expect(again.trace).toEqual(first.trace);
    expect(replayed.trace).toEqual(first.trace);
    expect(replayed.choices).toEqual(first.choices);
  });

  it(`keeps every invariant over ${CI_BUDGET.memorySeeds} seeds (claims, crashes, lost answers, pauses, skew, TTL, outages)`, async () => {
    const batch = await runSeeds(memoryTargets, { seeds: CI_BUDGET.memorySeeds });
    expect(batch.failures.map((failure) => failure.report)).toEqual([]);
    expect(batch.seedsRun).toBe(CI_BUDGET.memorySeeds);
  }, 300_000);

  it('shrinks a failing seed to a shorter schedule that breaks the same invariant, and prints it', async () => {
    const failing = await simulate(Choices.seeded(3), await memoryTargets.open('f'), { mutant: claimIgnoresLease });
    expect(failing.violation?.invariant).toBe('claimsAreExclusive');
    const shrunk = await shrink(failing, async (choices) => simulate(Choices.replay(choices), await memoryTargets.open('s'), { mutant: claimIgnoresLease }));
    expect(shrunk.violation?.invariant).toBe('claimsAreExclusive');
    expect(shrunk.steps).toBeLessThan(failing.steps);
    const replayed = await simulate(Choices.replay(shrunk.choices), await memoryTargets.open('r'), { mutant: claimIgnoresLease });
    expect(replayed.trace).toEqual(shrunk.trace);
  }, 60_000);
});
