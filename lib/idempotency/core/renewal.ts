/** Lease renewal at the store port: the request, its result, and the one rule every store shares. */

import { isOwnClaim, type IdempotencyRecord } from './record';

/**
 * Moves the caller's own in-progress lease forward, fenced on its lease token: a store never extends another
 * invocation's claim, a completed record, or a key that is gone.
 */
export interface RenewRequest {
  readonly id: string;
  readonly leaseToken: string;
  /** The lease's new end, epoch ms. A lease that already ends at or after it is left as it is. */
  readonly leaseExpiresAt: number;
  /** The record's new `expiration` (epoch s): a record must not expire under a handler that still runs. */
  readonly expiration: number;
  /** The caller's clock reading, epoch ms (Redis measures the key's lifetime from it). */
  readonly now: number;
}

/**
 * Renewed: the lease now ends at or after the requested end (a retried renewal whose first attempt landed
 * counts). Refused: the record is not the caller's in-progress claim any more; `existing` is what holds the
 * key, absent when nothing does.
 */
export type RenewResult = { readonly renewed: true } | { readonly renewed: false; readonly existing?: IdempotencyRecord | undefined };

/**
 * What a renewal whose conditional write did not apply means, given the record as found: still the caller's
 * claim with a lease at or past the asked end is a retry that landed (or a later renewal), so renewed; anything
 * else is a lost claim.
 */
export function renewalFound(existing: IdempotencyRecord | undefined, request: RenewRequest): RenewResult {
  if (isOwnClaim(existing, request.leaseToken) && existing?.status === 'IN_PROGRESS' && existing.leaseExpiresAt >= request.leaseExpiresAt)
    return { renewed: true };
  return { renewed: false, existing };
}
