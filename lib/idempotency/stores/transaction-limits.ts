import { IdempotencyWriteInvalidError } from '../errors';

/** DynamoDB's limits on one `TransactWriteItems`, which `MemoryStore` keeps too, so a unit test fails where DynamoDB would. */
export const TRANSACTION_LIMITS = Object.freeze({ actions: 100, bytes: 4 * 1024 * 1024, itemBytes: 400 * 1024 });

/** Refuses more writes than one transaction holds beside the completion. */
export function assertWriteCount(writes: number): void {
  if (writes + 1 > TRANSACTION_LIMITS.actions)
    throw new IdempotencyWriteInvalidError(
      `A transaction holds at most ${TRANSACTION_LIMITS.actions} actions, the completion included: at most ${TRANSACTION_LIMITS.actions - 1} writes, got ${writes}.`,
    );
}

/** The refusal of a second action on one item (`earlier`: "the write …" or "the idempotency record"). */
export function sameItemError(write: string, earlier: string): IdempotencyWriteInvalidError {
  return new IdempotencyWriteInvalidError(
    `The write ${write} acts on the same item as ${earlier}; a transaction allows one action per item.`,
  );
}
