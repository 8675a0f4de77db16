import type { WriteConditionFailure } from './business-write';
import { decodeResult } from './result-codec';
import { isClaimable, type CompletedRecord, type IdempotencyRecord } from './record';

/** What a request does about the record that holds its key. */
export type Decision =
  | { readonly kind: 'claim' }
  | { readonly kind: 'replay'; readonly record: CompletedRecord }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'write-refused'; readonly record: CompletedRecord; readonly failures: readonly WriteConditionFailure[] }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'wait'; readonly leaseExpiresAt: number };

/**
 * Pure: the row of the record-life table that applies.
 * - absent, expired, or in progress with an expired lease: claim it;
 * - a different payload fingerprint (when both sides have one): mismatch, nothing runs;
 * - completed: replay (or `unavailable` when the result was too large to keep, `write-refused` when the key's
 *   answer is a write's stored refusal);
 * - in progress with a live lease: wait.
 */
export function decide(record: IdempotencyRecord | undefined, fingerprint: string | undefined, now: number): Decision {
  if (!record || isClaimable(record, now)) return { kind: 'claim' };
  if (record.fingerprint !== undefined && fingerprint !== undefined && record.fingerprint !== fingerprint) {
    return { kind: 'mismatch' };
  }
  if (record.status === 'IN_PROGRESS') return { kind: 'wait', leaseExpiresAt: record.leaseExpiresAt };
  if (record.result.encoding === 'write-refused')
    return { kind: 'write-refused', record, failures: decodeResult(record.result) as WriteConditionFailure[] };
  return record.result.encoding === 'omitted' ? { kind: 'unavailable' } : { kind: 'replay', record };
}
