import {
  IdempotencyInProgressError,
  IdempotencyLeaseLostError,
  IdempotencyWriteConditionError,
  IdempotencyPayloadMismatchError,
  IdempotencyResultUnavailableError,
  type IdempotencyError,
} from '../errors';
import type { Refusal } from './outcome';

/** The documented error for a refusal, for adapters that answer by throwing (`idempotent`, the middy middleware), in one place. */
export function refusalError(refusal: Refusal): IdempotencyError {
  switch (refusal.kind) {
    case 'in-progress':
      return new IdempotencyInProgressError(refusal.retryAfterSeconds);
    case 'mismatch':
      return new IdempotencyPayloadMismatchError();
    case 'unavailable':
      return new IdempotencyResultUnavailableError();
    case 'write-refused':
      return new IdempotencyWriteConditionError(refusal.failures);
    case 'lease-lost':
      return new IdempotencyLeaseLostError();
  }
}
