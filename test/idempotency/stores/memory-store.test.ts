import { MemoryStore } from '../../../lib/idempotency/testing';
import { describeStepContract, describeStoreContract } from '../../support/store-contract';

describeStoreContract('MemoryStore', () => new MemoryStore());
describeStepContract('MemoryStore', () => new MemoryStore());
