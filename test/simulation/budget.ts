/**
 * The fixed seed budget `npm test` runs on the memory store (about 60 s on the two-core machine, the mutation
 * check included), and the smaller one replayed against each real engine. Fixed numbers, never a time bound,
 * so a CI run is the same run every time.
 */
export const CI_BUDGET = Object.freeze({
  /** Seeds of the memory store's main pass. */
  memorySeeds: 10_000,
  /** Seeds each mutant may take at most (the mutation check stops at the first failing seed; the slowest takes 434). */
  mutantSeeds: 500,
  /** Schedules per regression scenario. */
  regressionSeeds: 40,
  /** Seeds of DynamoDB Local's pass, each compared step for step with the memory store. */
  dynamoDbSeeds: 15,
  /** Seeds of redis-server's pass. */
  redisSeeds: 60,
});
