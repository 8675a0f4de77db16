/**
 * The fixed seed budget `npm test` runs on the memory store (about 60 s on the two-core machine, the mutation
 * check included), and the smaller one replayed against each real engine. Fixed numbers, never a time bound,
 * so a CI run is the same run every time.
 */
export const CI_BUDGET = Object.freeze({
  /** Seeds of the memory store's main pass. */
  memorySeeds: 2500,
  /** Seeds each mutant may take at most (the mutation check stops at the first failing seed). */
  mutantSeeds: 2500,
  /** Schedules per regression scenario. */
  regressionSeeds: 40,
  /** Seeds of each real engine's pass. */
  realEngineSeeds: 40,
});
