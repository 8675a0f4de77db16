import { MemoryStore } from '../../../lib/idempotency/testing';
import { describeLongRunning } from '../../support/long-running-scenarios';

describeLongRunning('MemoryStore', () => new MemoryStore());
