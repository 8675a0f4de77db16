import { expireMemoryRecord, hasAtomicCompletion, LEDGER_TABLE, memoryLedger, memoryStoreWithLedger } from './engine-adapter';
import type { TargetFactory } from './target';

/**
 * A fresh `MemoryStore` per run: thousands of seeds in seconds. `atomicCompletion: false` draws the scenarios a
 * store without it gets (Redis), so the same seeds can be compared with that store.
 */
export function memoryTargetsLike({ atomicCompletion }: { readonly atomicCompletion: boolean }): TargetFactory {
  return {
    kind: 'memory',
    async open(namespace) {
      const store = memoryStoreWithLedger();
      return {
        kind: 'memory',
        namespace,
        store,
        read: (id) => store.get(id),
        atomicCompletion: atomicCompletion && hasAtomicCompletion(store),
        ledgerTable: LEDGER_TABLE,
        ledger: async () => memoryLedger(store),
        expire: async (id, nowMs) => expireMemoryRecord(store, id, nowMs),
      };
    },
    async close() {},
  };
}

/** Memory targets with atomic completion, as the CI pass runs them. */
export const memoryTargets: TargetFactory = memoryTargetsLike({ atomicCompletion: true });
