/**
 * The port the core talks to. A store performs one conditional write per transition and
 * reports expected outcomes (lost a race, fenced off) as results; it throws only on faults.
 */

/** How a stored result is kept. `omitted`: too large for the store, so it cannot be replayed. */
export type EncodedResult =
  | { readonly encoding: 'undefined' }
  | { readonly encoding: 'json'; readonly data: string }
  | { readonly encoding: 'json-gzip'; readonly data: Uint8Array }
  | { readonly encoding: 'omitted' };

/** An idempotency record as stored. Times: `expiration` in epoch seconds, the rest in epoch ms. */
export type IdempotencyRecord =
  | {
      readonly id: string;
      readonly status: 'IN_PROGRESS';
      readonly expiration: number;
      readonly leaseToken: string;
      readonly leaseExpiresAt: number;
      readonly fingerprint?: string;
      readonly createdAt: number;
    }
  | {
      readonly id: string;
      readonly status: 'COMPLETED';
      readonly expiration: number;
      readonly fingerprint?: string;
      readonly result: EncodedResult;
      readonly createdAt: number;
    };

/** Writes a new `IN_PROGRESS` record, provided the key is free (see `isClaimable`). */
export interface ClaimRequest {
  readonly id: string;
  readonly leaseToken: string;
  readonly leaseExpiresAt: number;
  readonly expiration: number;
  readonly fingerprint?: string;
  /** The clock reading the conditions compare against, in epoch ms. */
  readonly now: number;
}

/**
 * Claimed: `replaced` is the expired record or ended lease the claim overwrote, if any.
 * Not claimed: `existing` is the record that holds the key; absent only if it vanished before it could be read.
 */
export type ClaimResult =
  | { readonly claimed: true; readonly replaced?: IdempotencyRecord }
  | { readonly claimed: false; readonly existing?: IdempotencyRecord };

/** Turns the caller's `IN_PROGRESS` record into `COMPLETED`, provided it still holds the lease. */
export interface CompleteRequest {
  readonly id: string;
  readonly leaseToken: string;
  readonly result: EncodedResult;
  readonly expiration: number;
}

/** Persistence for idempotency records. Implemented by `DynamoDbStore` and `MemoryStore`. */
export interface IdempotencyStore {
  /** The largest encoded result, in bytes, one record can hold; larger results are stored as `omitted`. */
  readonly maxResultBytes: number;
  /** One conditional write: succeeds only if the key is absent, expired, or in progress with an expired lease. */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /** A strongly consistent read of the record, or `undefined` if there is none. */
  get(id: string): Promise<IdempotencyRecord | undefined>;
  /** `{ completed: false }` when another invocation took the lease over: its record stands. */
  complete(request: CompleteRequest): Promise<{ readonly completed: boolean }>;
  /** Deletes the record so a retry can run; `{ released: false }` when the lease is no longer the caller's. */
  release(id: string, leaseToken: string): Promise<{ readonly released: boolean }>;
}

/**
 * Whether a claim may take the key, given what is stored. The DynamoDB condition expression
 * and the memory store both encode exactly this rule.
 */
export function isClaimable(existing: IdempotencyRecord | undefined, now: number): boolean {
  if (!existing) return true;
  if (existing.expiration < Math.floor(now / 1000)) return true;
  return existing.status === 'IN_PROGRESS' && existing.leaseExpiresAt < now;
}
