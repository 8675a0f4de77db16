import { IdempotencyWriteInvalidError } from '../../errors';
import { writeKind, writeTable, type BusinessWrite, type PendingWrite, type WriteOptions } from '../business-write';
import type { IdempotencyStore } from '../store';

/**
 * `idem.write`: checks the write, its store and the store's limits at once (the handler learns of a mistake
 * where it makes it, before its other side effects), then keeps it for the commit.
 */
export function writeCollector(
  id: string,
  store: IdempotencyStore,
  writes: PendingWrite[],
  settled: () => boolean,
): (action: BusinessWrite, options?: WriteOptions) => void {
  return (action, options = {}) => {
    if (settled())
      throw new IdempotencyWriteInvalidError(
        'idem.write was called after the request was completed or released; the write would never be committed.',
      );
    if (typeof store.completeWith !== 'function') {
      throw new IdempotencyWriteInvalidError(
        `idem.write needs a store that commits writes with the result (completeWith), such as DynamoDbStore with \`transactions: dynamoDbTransactions()\` or MemoryStore; ${store.constructor?.name ?? 'this store'} cannot.`,
      );
    }
    let kind: string;
    try {
      kind = writeKind(action);
    } catch (error) {
      throw new IdempotencyWriteInvalidError(`idem.write: ${(error as Error).message}`);
    }
    const rule = options.onConditionFailure ?? 'release';
    if (rule !== 'release' && rule !== 'store')
      throw new IdempotencyWriteInvalidError(`Expected \`onConditionFailure\` to be 'release' or 'store', got ${JSON.stringify(rule)}`);
    const name = options.name ?? `${kind} ${writeTable(action)} (write ${writes.length + 1})`;
    const candidate = [...writes, { action, name, marshalled: options.marshalled === true, onConditionFailure: rule }];
    store.checkWrites?.(id, candidate);
    writes.push(candidate[candidate.length - 1]!);
  };
}
