import { MemoryStore } from '../../../lib/idempotency/testing';
import { describeAtomicCompletionContract } from '../../support/atomic-completion-contract';

describeAtomicCompletionContract('MemoryStore', async () => {
  const store = new MemoryStore({ tables: { accounts: ['pk'] } });
  return { store, table: 'accounts', items: async () => store.items('accounts') };
});
