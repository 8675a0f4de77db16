import { IdempotencyWriteInvalidError } from '../../errors';
import type { BusinessWrite, PendingWrite, WriteOptions } from '../business-write';
import type { IdempotencyStore } from '../store';

/**
 * `idem.write`: the store with transactions checks the write and its limits at once (the handler learns of a
 * mistake where it makes it, before its other side effects); the claim keeps it for the commit.
 */
export function writeCollector(
  id: string,
  store: IdempotencyStore,
  writes: PendingWrite[],
  settled: () => boolean,
): (action: BusinessWrite, options?: WriteOptions) => void {
  return (action, options) => {
    if (settled())
      throw new IdempotencyWriteInvalidError(
        'idem.write was called after the request was completed or released; the write would never be committed.',
      );
    // The store commits the writes (`completeWith`), and brings the engine's commit of them with it (`capabilities`).
    if (typeof store.completeWith !== 'function' || typeof store.collectWrite !== 'function' || !store.capabilities?.commitWrites) {
      throw new IdempotencyWriteInvalidError(
        `idem.write needs a store that commits writes with the result (completeWith), such as DynamoDbStore with \`transactions: dynamoDbTransactions()\` or MemoryStore; ${store.constructor?.name ?? 'this store'} cannot.`,
      );
    }
    writes.push(store.collectWrite(id, writes, action, options));
  };
}
