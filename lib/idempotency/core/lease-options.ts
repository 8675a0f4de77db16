import { DEFAULTS } from './defaults';
import { assertFraction, assertFunction, assertInteger, refuseOption } from './validate';

/** How long a claim keeps other invocations out, and how a running handler keeps it. Part of `EngineOptions`. */
export interface LeaseOptions {
  /**
   * The longest lease one write grants while the handler runs. The engine renews it (one write fenced on the
   * lease token) at the renewal point, for as long as the handler runs, so a live handler is never taken over;
   * a crashed one (out of memory, a killed sandbox) frees its key within one slice instead of its remaining
   * time. Handlers that finish before the renewal point (`leaseSliceMs × leaseRenewalPoint`) pay no extra
   * write: with the defaults anything under 30 s, which covers every handler behind API Gateway's 29-second
   * integration timeout. An invocation whose remaining time plus `leaseMarginMs` is shorter than the slice
   * gets that as its lease, and no renewal: Lambda ends it first. At least 5000.
   * @default 60000
   */
  readonly leaseSliceMs?: number;
  /**
   * When, as a fraction of the lease, it is renewed: 0.5 renews at half time, which leaves the other half (less
   * `leaseMarginMs`) to retry a renewal the store did not answer. Strictly between 0 and 1.
   * @default 0.5
   */
  readonly leaseRenewalPoint?: number;
  /**
   * A lock of fixed length instead of renewal: every claim holds its key exactly this long and is never
   * renewed, even if the invocation crashes or times out (a withdrawal that must not run again soon after a
   * timeout). A handler running longer than this is taken over. At least 1000.
   * @default undefined (renewed leases of `leaseSliceMs`)
   */
  readonly fixedLeaseMs?: number;
  /**
   * How the lease keeper waits for the next renewal and between its retries: resolves after `ms`, or at once
   * when `signal` aborts (the claim was settled). For tests with a virtual clock.
   * @default a timer that does not keep the process alive
   */
  readonly leaseTimer?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The keys of `LeaseOptions`. */
export const LEASE_OPTION_KEYS: readonly string[] = Object.freeze(['leaseSliceMs', 'leaseRenewalPoint', 'fixedLeaseMs', 'leaseTimer']);

/** `LeaseOptions` with defaults applied. */
export interface ResolvedLeaseOptions {
  readonly leaseSliceMs: number;
  readonly leaseRenewalPoint: number;
  readonly fixedLeaseMs: number | undefined;
  readonly leaseTimer: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The shortest slice: a renewal must have time to be retried through a brief outage before the lease ends. */
const MIN_SLICE_MS = 5_000;

// Unref'd: a kept lease's next renewal must not hold a script or a test run open; cleared when the claim is settled.
const unrefTimer = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
  });

/** Applies the defaults and validates, naming the bad option; `leaseMarginMs` must fit in what the renewal point leaves. */
export function resolveLeaseOptions(options: LeaseOptions, leaseMarginMs: number): ResolvedLeaseOptions {
  const leaseSliceMs = options.leaseSliceMs ?? DEFAULTS.leaseSliceMs;
  const leaseRenewalPoint = options.leaseRenewalPoint ?? DEFAULTS.leaseRenewalPoint;
  const leaseTimer = options.leaseTimer ?? unrefTimer;
  assertInteger('leaseSliceMs', leaseSliceMs, MIN_SLICE_MS);
  assertFraction('leaseRenewalPoint', leaseRenewalPoint);
  if (options.fixedLeaseMs !== undefined) assertInteger('fixedLeaseMs', options.fixedLeaseMs, 1_000);
  assertFunction('leaseTimer', leaseTimer, false);
  if (leaseSliceMs * (1 - leaseRenewalPoint) <= leaseMarginMs) {
    refuseOption(
      'leaseRenewalPoint',
      `leave more than \`leaseMarginMs\` (${leaseMarginMs} ms) of the ${leaseSliceMs} ms slice to retry a renewal`,
      leaseRenewalPoint,
    );
  }
  return { leaseSliceMs, leaseRenewalPoint, fixedLeaseMs: options.fixedLeaseMs, leaseTimer };
}
