/** The idempotency record, and the rules about it that every store and the engine share. */

/**
 * How a stored result is kept. `omitted`: too large for the store, so it cannot be replayed. `write-refused`: not a
 * result but the key's final answer that a write's condition failed (`onConditionFailure: 'store'`); `data` is the
 * failed writes as JSON. Marked by the encoding, outside the result, so no result a handler returns is mistaken for it.
 */
export type EncodedResult =
  | { readonly encoding: 'undefined' }
  | { readonly encoding: 'json'; readonly data: string }
  | { readonly encoding: 'write-refused'; readonly data: string }
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
      readonly fingerprint?: string | undefined;
      readonly createdAt: number;
    }
  | {
      readonly id: string;
      readonly status: 'COMPLETED';
      readonly expiration: number;
      /** The lease token of the invocation that completed it: a retried completion that landed recognises itself. */
      readonly leaseToken?: string | undefined;
      readonly fingerprint?: string | undefined;
      readonly result: EncodedResult;
      readonly createdAt: number;
    };

/** A completed record: the only kind worth caching, since it never changes until it expires. */
export type CompletedRecord = Extract<IdempotencyRecord, { status: 'COMPLETED' }>;

/**
 * Whether a claim may take the key, given what is stored. The DynamoDB condition expression
 * and the memory store both encode exactly this rule.
 */
export function isClaimable(existing: IdempotencyRecord | undefined, now: number): boolean {
  if (!existing) return true;
  if (existing.expiration < Math.floor(now / 1000)) return true;
  return existing.status === 'IN_PROGRESS' && existing.leaseExpiresAt < now;
}

/** Whether `existing` is the caller's own claim: a claim retried after its first attempt landed. */
export function isOwnClaim(existing: IdempotencyRecord | undefined, leaseToken: string): boolean {
  return existing?.status === 'IN_PROGRESS' && existing.leaseToken === leaseToken;
}

/**
 * Whether a claim that overwrote `replaced` took the key over from another live invocation (it crashed,
 * timed out or ran too long): in progress, not expired, and not this very claim (a retried claim may
 * overwrite its own record once its own short lease ended).
 */
export function isTakeover(
  replaced: IdempotencyRecord | undefined,
  leaseToken: string,
  now: number,
): replaced is Extract<IdempotencyRecord, { status: 'IN_PROGRESS' }> {
  return replaced?.status === 'IN_PROGRESS' && replaced.leaseToken !== leaseToken && replaced.expiration >= Math.floor(now / 1000);
}
