import { localEndpoint } from '../support/dynamodb';
import { CI_BUDGET } from './budget';
import { compareWithMemory } from './compare-engines';
import { dynamoDbTargets } from './real-targets';
import { runRegression } from './regression-runs';
import { REGRESSIONS } from './regressions';
import type { TargetFactory } from './target';

describe('the protocol under simulation, on DynamoDB Local', () => {
  let targets: TargetFactory;
  beforeAll(async () => {
    targets = await dynamoDbTargets(localEndpoint());
  });
  afterAll(() => targets.close());

  it(`keeps every invariant over ${CI_BUDGET.dynamoDbSeeds} seeds, each schedule step for step the memory store's`, async () => {
    const comparison = await compareWithMemory(targets, CI_BUDGET.dynamoDbSeeds);
    expect(comparison.differences.map((difference) => difference.report)).toEqual([]);
  }, 180_000);

  it.each(REGRESSIONS.map((regression) => [regression.name, regression]))('%s', async (_, regression) => {
    const failure = await runRegression(targets, regression, 3, false);
    expect(failure?.trace.join('\n')).toBeUndefined();
  });
});
