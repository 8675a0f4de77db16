import { CI_BUDGET } from './budget';
import { memoryTargets } from './memory-target';
import { runRegression } from './regression-runs';
import { REGRESSIONS } from './regressions';

describe.each(REGRESSIONS)('$name', (regression) => {
  it(`holds under ${CI_BUDGET.regressionSeeds} schedules`, async () => {
    const failure = await runRegression(memoryTargets, regression, CI_BUDGET.regressionSeeds, false);
    expect(failure?.trace.join('\n')).toBeUndefined();
  });

  it(`catches the old bug (${regression.bug.name}) as ${regression.invariant}`, async () => {
    const failure = await runRegression(memoryTargets, regression, CI_BUDGET.regressionSeeds, true);
    expect(failure?.violation?.invariant).toBe(regression.invariant);
  });
});
