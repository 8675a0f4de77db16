import type { IdempotencyStore } from 'lambda-idempotency';

/** A deliberate bug the simulator must catch: a store wrapper, or an installed patch (undone after the run). */
export interface Mutant {
  readonly name: string;
  /** Wraps the real store (below the scheduling store, so the schedule sees one call). */
  readonly wrap?: (store: IdempotencyStore) => IdempotencyStore;
  /** Wraps the scheduling store (what the engine calls), so the mutant's own calls are scheduling points apart. */
  readonly wrapScheduled?: (store: IdempotencyStore) => IdempotencyStore;
  /** Patches something for the run; returns the undo. */
  readonly install?: () => () => void;
}
