/** The slice of the Lambda context the core reads. */
export interface InvocationClock {
  getRemainingTimeInMillis?: () => number;
  /** The tenant of Lambda's tenant isolation mode: part of every key's scope when present. */
  readonly tenantId?: string | undefined;
}

/** Remaining milliseconds of the invocation, or `undefined` when there is no Lambda context. 0 is a real value. */
export function remainingTimeMs(context: InvocationClock | undefined): number | undefined {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  return typeof remaining === 'number' && Number.isFinite(remaining) ? Math.max(0, remaining) : undefined;
}

/**
 * How long an in-progress claim keeps other invocations out: the invocation's remaining time plus a
 * margin, capped; Lambda ends the invocation by then, so a crashed one frees the key soon after.
 */
export function leaseDurationMs(
  remaining: number | undefined,
  options: { leaseMarginMs: number; maxLeaseMs: number; leaseWithoutContextMs: number },
): number {
  if (remaining === undefined) return options.leaseWithoutContextMs;
  return Math.min(remaining + options.leaseMarginMs, options.maxLeaseMs);
}

/** How long a duplicate may wait for an in-flight result: the option, but never past its own remaining time less the margin. */
export function waitBudgetMs(remaining: number | undefined, options: { inFlightWaitMs: number; leaseMarginMs: number }): number {
  if (remaining === undefined) return options.inFlightWaitMs;
  return Math.max(0, Math.min(options.inFlightWaitMs, remaining - options.leaseMarginMs));
}

/** Retry-After for a duplicate that gave up waiting: until the lease ends, at least 1 s and at most 5 s. */
export function retryAfterSeconds(leaseExpiresAt: number, now: number): number {
  return Math.min(5, Math.max(1, Math.ceil((leaseExpiresAt - now) / 1000)));
}
