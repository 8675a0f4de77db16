import { expireMemoryRecord, hasAtomicCompletion, LEDGER_TABLE, memoryLedger, memoryStoreWithLedger } from './engine-adapter';
import type { TargetFactory } from './target';

/** A fresh `MemoryStore` per run: thousands of seeds in seconds. */
export const memoryTargets: TargetFactory = {
  kind: 'memory',
  async open(namespace) {
    const store = memoryStoreWithLedger();
    return {
      kind: 'memory',
      namespace,
      store,
      read: (id) => store.get(id),
      atomicCompletion: hasAtomicCompletion(store),
      ledgerTable: LEDGER_TABLE,
      ledger: async () => memoryLedger(store),
      expire: async (id, nowMs) => expireMemoryRecord(store, id, nowMs),
    };
  },
  async close() {},
};
