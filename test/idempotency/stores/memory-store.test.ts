import { MemoryStore } from '../../../lib/idempotency';
import { describeStoreContract } from '../../support/store-contract';

describeStoreContract('MemoryStore', () => new MemoryStore());
