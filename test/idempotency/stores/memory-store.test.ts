import { MemoryStore } from '../../../lib/idempotency/testing';
import { describeStoreContract } from '../../support/store-contract';

describeStoreContract('MemoryStore', () => new MemoryStore());
