import { redisUrl } from '../support/redis';
import { CI_BUDGET } from './budget';
import { compareWithMemory } from './compare-engines';
import { redisTargets } from './real-targets';
import { runRegression } from './regression-runs';
import { REGRESSIONS } from './regressions';
import type { TargetFactory } from './target';

describe('the protocol under simulation, on redis-server', () => {
  let targets: TargetFactory;
  beforeAll(async () => {
    targets = await redisTargets(redisUrl());
  });
  afterAll(() => targets.close());

  it(`keeps every invariant over ${CI_BUDGET.redisSeeds} seeds, each schedule step for step the memory store's`, async () => {
    const comparison = await compareWithMemory(targets, CI_BUDGET.redisSeeds);
    expect(comparison.differences.map((difference) => difference.report)).toEqual([]);
  }, 180_000);

  // Redis has no atomic completion: the regression scenarios need none.
  it.each(REGRESSIONS.map((regression) => [regression.name, regression]))('%s', async (_, regression) => {
    const failure = await runRegression(targets, regression, 3, false);
    expect(failure?.trace.join('\n')).toBeUndefined();
  });
});
