/** The engine's pure timing rules: how it polls, retries its writes, and dates a record. */

const FIRST_POLL_MS = 40;
const MAX_POLL_MS = 400;

/**
 * How long a waiting duplicate sleeps before its `attempt`-th read (0-based): 40 ms doubling to 400 ms,
 * jittered by `random` (0 ≤ r < 1) so that 200 waiting duplicates do not poll in lockstep, never past `left`.
 */
export function pollDelayMs(attempt: number, left: number, random: () => number): number {
  const base = Math.min(MAX_POLL_MS, FIRST_POLL_MS * 2 ** attempt);
  return Math.max(0, Math.min(left, MAX_POLL_MS, base * (0.5 + random())));
}

/**
 * The pauses between tries of a completion or release, about 3 s in all: longer than a brief outage
 * (a restart, a network blip), and cut short by the settle deadline.
 */
export const SETTLE_RETRY_DELAYS_MS: readonly number[] = Object.freeze([50, 100, 200, 400, 800, 1600]);

/** Until when a completion or release may be retried: the invocation's end less the margin, or forever without a context. */
export function settleDeadline(now: number, remaining: number | undefined, leaseMarginMs: number): number {
  return remaining === undefined ? Infinity : now + remaining - leaseMarginMs;
}

/** A record's `expiration` (epoch seconds, the TTL attribute), `retentionSeconds` after `nowMs`. */
export function expirationFrom(nowMs: number, retentionSeconds: number): number {
  return Math.floor(nowMs / 1000) + retentionSeconds;
}

/**
 * An in-progress record's expiration (epoch seconds): its retention, but never before its lease ends. An expired
 * record is free to claim (and TTL may delete it), so a retention shorter than the lease would free a live key.
 */
export function recordExpiration(nowMs: number, leaseExpiresAtMs: number, retentionSeconds: number): number {
  return Math.max(expirationFrom(nowMs, retentionSeconds), Math.ceil(leaseExpiresAtMs / 1000));
}
