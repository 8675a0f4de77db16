import { IdempotencyLeaseLostError } from '../errors';
import { recordExpiration } from './backoff';
import { remainingTimeMs, type InvocationClock } from './lease';
import { leaseFor, renewalDueAt, renewalRetryDelayMs, type LeaseGrant, type LeasePlanOptions } from './lease-plan';
import type { RenewRequest, RenewResult } from './renewal';
import type { InvocationTelemetry } from './telemetry';
import { eventMessage } from './telemetry-events';

/** What the keeper reads: the plan's options, the record's retention and the clock. */
export type LeaseKeeperOptions = LeasePlanOptions & {
  readonly expiresAfterSeconds: number;
  readonly now: () => number;
};

/** The claim whose lease is kept: its key, its token, and the lease its claim wrote. */
export interface KeptClaim {
  readonly id: string;
  readonly leaseToken: string;
  readonly claimedAt: number;
  readonly lease: LeaseGrant;
}

/** Keeps one claim's lease alive while its handler runs. */
export interface LeaseKeeper {
  /**
   * Aborts, with an `IdempotencyLeaseLostError` as its reason, once the claim is lost (a renewal was refused:
   * another invocation took the key over) or may be (the store did not answer until the lease's end less the
   * margin). Never aborts otherwise.
   */
  readonly signal: AbortSignal;
  /** Stops renewing, before the claim is settled; a renewal still in flight is ignored. */
  stop(): void;
}

/** The keeper of a lease that is not renewed: its signal never aborts, and stopping it does nothing. */
export function unkeptLease(): LeaseKeeper {
  return lazilySignalled(() => undefined).keeper;
}

/**
 * A keeper whose signal is made when first read or aborted: most invocations never read `idem.signal` nor lose
 * their lease, and an AbortController per invocation was a measurable part of a first execution's own time.
 */
function lazilySignalled(stop: () => void): { readonly keeper: LeaseKeeper; readonly abort: (reason: unknown) => void } {
  let lost: AbortController | undefined;
  const controller = () => (lost ??= new AbortController());
  return {
    keeper: {
      get signal() {
        return controller().signal;
      },
      stop,
    },
    abort: (reason) => controller().abort(reason),
  };
}

type Attempt = { readonly request: RenewRequest } & ({ readonly result: RenewResult } | { readonly error: unknown });

/**
 * Starts keeping the lease of `claim`: one fenced renewal at the renewal point of each lease, retried like
 * completion writes until the lease's end less the margin. A lease that is not renewed (fixed, reaching past
 * the invocation's end, or a store without `renew`) is left alone, and its signal never aborts.
 */
export function keepLease(
  options: LeaseKeeperOptions,
  telemetry: InvocationTelemetry,
  claim: KeptClaim,
  context: InvocationClock | undefined,
): LeaseKeeper {
  if (!claim.lease.renewed || !options.store.renew) return unkeptLease();
  // Stopping wakes the renewal timer; only a kept lease has one (and pays for its controller).
  const stopped = new AbortController();
  const { keeper, abort } = lazilySignalled(() => stopped.abort());
  const renew = options.store.renew.bind(options.store);
  const { id, leaseToken } = claim;
  const fields = { idempotencyKey: id };
  const lose = (event: 'leaseTakenOver' | 'renewalsUnanswered', extra: Record<string, unknown>) => {
    telemetry.event(event, { ...fields, ...extra });
    abort(new IdempotencyLeaseLostError(eventMessage(event, extra)));
  };

  // One renewal: tried until it is answered, or until a further try would pass the lease's end less the margin.
  const renewal = async (leaseEnd: number): Promise<Attempt | undefined> => {
    for (let attempt = 0; ; attempt++) {
      const at = options.now();
      const grant = leaseFor(remainingTimeMs(context), options);
      const request: RenewRequest = {
        id,
        leaseToken,
        leaseExpiresAt: at + grant.ms,
        expiration: recordExpiration(at, at + grant.ms, options.expiresAfterSeconds),
        now: at,
      };
      try {
        return { request, result: await renew(request) };
      } catch (error) {
        const delay = renewalRetryDelayMs(attempt, options.now(), leaseEnd, options.leaseMarginMs);
        if (delay === undefined) return { request, error };
        await options.leaseTimer(delay, stopped.signal);
        if (stopped.signal.aborted) return undefined;
      }
    }
  };

  const run = async () => {
    let written = { at: claim.claimedAt, ms: claim.lease.ms };
    for (let renewals = 0; ; renewals++) {
      const due = renewalDueAt(written.at, written.ms, options.leaseRenewalPoint);
      await options.leaseTimer(Math.max(0, due - options.now()), stopped.signal);
      if (stopped.signal.aborted) return;
      const leaseEnd = written.at + written.ms;
      const attempt = await renewal(leaseEnd);
      if (!attempt || stopped.signal.aborted) return; // settled meanwhile: what the renewal did no longer matters
      if ('error' in attempt) {
        return lose('renewalsUnanswered', {
          leaseEndsAt: new Date(leaseEnd).toISOString(),
          error: String(attempt.error),
        });
      }
      if (!attempt.result.renewed) {
        return lose('leaseTakenOver', {
          holder: attempt.result.existing?.status ?? 'none',
        });
      }
      written = { at: attempt.request.now, ms: attempt.request.leaseExpiresAt - attempt.request.now };
      telemetry.event(renewals === 0 ? 'firstRenewal' : 'renewed', {
        ...fields,
        leaseEndsAt: new Date(attempt.request.leaseExpiresAt).toISOString(),
      });
      if (!leaseFor(remainingTimeMs(context), options).renewed) return; // this lease reaches past the invocation's end
    }
  };
  // A logger that throws must not become an unhandled rejection; the lease then simply stops being renewed.
  run().catch(() => undefined);
  return keeper;
}
