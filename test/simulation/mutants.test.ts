import { CI_BUDGET } from './budget';
import { memoryTargets } from './memory-target';
import { cacheReplaysOtherKey, claimIgnoresLease, completeIgnoresFence, releaseIgnoresToken, renewKeepsExpiration } from './mutants';
import { runSeeds } from './run-seeds';

// The mutation check: each deliberate bug must break its invariant within the CI seed budget (the seeds it took
// are in INVARIANTS.md, measured with `npm run simulate -- --mutant <name>`).
describe.each([
  { mutant: claimIgnoresLease, invariant: 'claimsAreExclusive' },
  { mutant: completeIgnoresFence, invariant: 'fencedWriterChangesNothing' },
  { mutant: releaseIgnoresToken, invariant: 'fencedWriterChangesNothing' },
  { mutant: renewKeepsExpiration, invariant: 'callerGetsFirstResultOrRefusal' },
  { mutant: cacheReplaysOtherKey, invariant: 'callerGetsFirstResultOrRefusal' },
])('the mutant "$mutant.name"', ({ mutant, invariant }) => {
  it(`breaks ${invariant} within ${CI_BUDGET.mutantSeeds} seeds`, async () => {
    const batch = await runSeeds(memoryTargets, { seeds: CI_BUDGET.mutantSeeds, mutant, shrinkRuns: 0 });
    expect(batch.failures.map((failure) => failure.invariant)).toEqual([invariant]);
  }, 120_000);
});
