import { startFaultProxy, type FaultProxy } from '../test/support/fault-proxy';
import { seeded } from './stats';

/**
 * The realistic network profile: every DynamoDB call gets the round trip of an in-region call to real
 * DynamoDB on top of DynamoDB Local's own time, so the overhead reads in production terms.
 */
export const NETWORK = {
  /** The published in-region `PutItem` median, added to every call. */
  roundTripMs: 7,
  /** Uniform jitter either side of `roundTripMs`, from a seeded generator: the same delays every run. */
  jitterMs: 1,
  /**
   * A `TransactWriteItems` takes about 3× a put at the median on real DynamoDB (the figure), where
   * DynamoDB Local answers it about as fast as a put: without this, atomic completion would look cheaper than it is.
   */
  transactionFactor: 3,
  seed: 7,
} as const;

/** The delay one call of `operation` gets: a pure function of the operation and the next seeded draw. */
export function networkDelay(random: () => number): (operation: string) => number {
  return (operation) => {
    const base = operation === 'TransactWriteItems' ? NETWORK.roundTripMs * NETWORK.transactionFactor : NETWORK.roundTripMs;
    return base + (random() * 2 - 1) * NETWORK.jitterMs;
  };
}

/** The fault proxy of the tests in front of DynamoDB Local, holding each answer for its network delay. */
export function startNetwork(upstream: string): Promise<FaultProxy> {
  return startFaultProxy(upstream, { latency: networkDelay(seeded(NETWORK.seed)) });
}
