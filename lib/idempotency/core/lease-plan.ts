/** The pure rules of a kept lease: how long each lease write grants, when it is renewed, how a renewal is retried. */

import { SETTLE_RETRY_DELAYS_MS } from './backoff';
import { leaseDurationMs } from './lease';
import type { ResolvedLeaseOptions } from './lease-options';
import type { IdempotencyStore } from './store';

/** The options a lease plan reads. */
export type LeasePlanOptions = ResolvedLeaseOptions & {
  readonly store: IdempotencyStore;
  readonly leaseMarginMs: number;
  readonly maxLeaseMs: number;
  readonly leaseWithoutContextMs: number;
};

/** One lease write: how long it grants, and whether it is renewed before it ends. */
export interface LeaseGrant {
  readonly ms: number;
  /** False when the lease outlasts the invocation (Lambda ends it first), is fixed, or the store cannot renew. */
  readonly renewed: boolean;
}

/**
 * The lease a claim (or a renewal) writes, given the invocation's remaining time:
 * - a fixed lease, if asked for: never renewed;
 * - for a store that cannot renew, the remaining time plus the margin, capped (`maxLeaseMs`, or `leaseWithoutContextMs`);
 * - else the same, but never longer than one slice, renewed unless it already reaches past the invocation's end.
 */
export function leaseFor(remaining: number | undefined, options: LeasePlanOptions): LeaseGrant {
  if (options.fixedLeaseMs !== undefined) return { ms: options.fixedLeaseMs, renewed: false };
  const untilCapped = leaseDurationMs(remaining, options);
  if (typeof options.store.renew !== 'function') return { ms: untilCapped, renewed: false };
  const ms = Math.min(options.leaseSliceMs, untilCapped);
  const untilInvocationEnds = remaining === undefined ? Infinity : remaining + options.leaseMarginMs;
  return { ms, renewed: ms < untilInvocationEnds };
}

/** When a lease of `ms` written at `writtenAt` is renewed: at the renewal point. */
export function renewalDueAt(writtenAt: number, ms: number, renewalPoint: number): number {
  return writtenAt + Math.floor(ms * renewalPoint);
}

/**
 * The pause before the next try of a renewal the store did not answer (as completion writes back off, then
 * every 1.6 s), or `undefined` once that would pass the lease's end less the margin: the claim may be lost.
 */
export function renewalRetryDelayMs(attempt: number, now: number, leaseEnd: number, leaseMarginMs: number): number | undefined {
  const delay = SETTLE_RETRY_DELAYS_MS[Math.min(attempt, SETTLE_RETRY_DELAYS_MS.length - 1)]!;
  return now + delay < leaseEnd - leaseMarginMs ? delay : undefined;
}
