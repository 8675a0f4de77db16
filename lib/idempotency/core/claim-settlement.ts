import { randomUUID } from 'node:crypto';
import type { IdempotencyStoreError } from '../errors';
import { commitAtomically, writeCollector } from './atomic-completion';
import type { PendingWrite } from './business-write';
import type { InvocationClock } from './lease';
import { remainingTimeMs } from './lease';
import { expirationFrom, settleDeadline, SETTLE_RETRY_DELAYS_MS } from './backoff';
import type { LocalCache } from './local-cache';
import type { ResolvedEngineOptions } from './options';
import type { Claim } from './outcome';
import { encodeForStore } from './result-codec';
import { downstreamKey } from './scoped-key';
import { stepRunner } from './steps/step-runner';
import { MetricName, type InvocationTelemetry } from './telemetry';

/** What a held claim needs from the invocation that made it. */
export interface ClaimScope {
  readonly options: ResolvedEngineOptions;
  readonly cache: LocalCache;
  readonly telemetry: InvocationTelemetry;
  readonly context: InvocationClock | undefined;
  /** Marks a fault the claim throws as this invocation's store fault (adapters answer it as such). */
  readonly storeFault?: (fault: IdempotencyStoreError) => void;
}

/** A fresh lease token: what fences one claim's writes from every other's. */
export const newLeaseToken = (): string => randomUUID();

/**
 * The write side of a claim: complete or release, exactly once. The handler has run (or refused) by
 * then, so a store fault here is logged and counted, never thrown: its caller gets its answer.
 */
export function heldClaim(id: string, leaseToken: string, fingerprint: string | undefined, scope: ClaimScope): Claim {
  let settled = false;
  const once = (what: string) => {
    if (settled) throw new Error(`The claim was already settled; cannot ${what} it again.`);
    settled = true;
  };
  const writes: PendingWrite[] = [];
  const commit = async (result: unknown) => {
    once('commit');
    const settle = {
      complete: (value: unknown) => complete(id, leaseToken, fingerprint, value, scope),
      release: (reason: string) => release(id, leaseToken, reason, scope),
      retried: <T>(write: () => Promise<T>, retryable: (error: unknown) => boolean) => retried(write, scope, retryable),
    };
    const { encoded, expiration } = await commitAtomically(id, leaseToken, result, writes, scope, settle);
    if (encoded.encoding !== 'omitted')
      scope.cache.set({ id, status: 'COMPLETED', expiration, leaseToken, fingerprint, result: encoded, createdAt: scope.options.now() });
  };
  return {
    idem: {
      key: id,
      downstreamKey: (name) => downstreamKey(id, name),
      write: writeCollector(scope, writes, () => settled),
      step: stepRunner(id, fingerprint, { ...scope.options, storeFault: scope.storeFault }),
    },
    writes: () => writes,
    commit,
    // An adapter that only knows `complete` (middy's `after`) must not drop the handler's writes.
    complete: async (result) => {
      if (writes.length > 0) return commit(result);
      once('complete');
      await complete(id, leaseToken, fingerprint, result, scope);
    },
    release: async (reason) => {
      once('release');
      await release(id, leaseToken, reason, scope);
    },
  };
}

/**
 * If the write still fails after its retries, the record stays in progress until its lease ends, and a
 * retry after that runs the handler again, which `idem.downstreamKey` makes safe downstream.
 */
async function complete(
  id: string,
  leaseToken: string,
  fingerprint: string | undefined,
  result: unknown,
  scope: ClaimScope,
): Promise<void> {
  const { options, telemetry } = scope;
  const { store, now } = options;
  const fields = { idempotencyKey: id };
  const encoded = encodeForStore(result, store.maxResultBytes, (error) =>
    telemetry.record(undefined, 'warn', 'The result is not JSON-serialisable, so it cannot be replayed.', {
      ...fields,
      error: String(error),
    }),
  );
  const completedAt = now();
  const expiration = expirationFrom(completedAt, options.expiresAfterSeconds);
  try {
    const { completed } = await retried(() => store.complete({ id, leaseToken, result: encoded, expiration }), scope);
    if (!completed) {
      telemetry.record(
        MetricName.fencingRejections,
        'warn',
        "The lease was taken over before completion; the new owner's record stands.",
        fields,
      );
      return;
    }
    if (encoded.encoding === 'omitted') {
      telemetry.record(MetricName.resultsNotStored, 'warn', 'The result is too large to store; duplicates cannot replay it.', fields);
      return;
    }
    telemetry.record(undefined, 'debug', 'Stored the result.', fields);
    scope.cache.set({ id, status: 'COMPLETED', expiration, leaseToken, fingerprint, result: encoded, createdAt: completedAt });
  } catch (error) {
    telemetry.record(MetricName.storeErrors, 'error', 'Storing the result failed; the record stays in progress until its lease ends.', {
      ...fields,
      error: String(error),
    });
  }
}

async function release(id: string, leaseToken: string, reason: string, scope: ClaimScope): Promise<void> {
  const { telemetry } = scope;
  const fields = { idempotencyKey: id, reason };
  try {
    const { released } = await retried(() => scope.options.store.release(id, leaseToken), scope);
    if (released) telemetry.record(undefined, 'info', 'Released the key for a retry.', fields);
    else
      telemetry.record(
        MetricName.fencingRejections,
        'warn',
        "The lease was taken over before release; the new owner's record stands.",
        fields,
      );
  } catch (error) {
    telemetry.record(MetricName.storeErrors, 'error', 'Releasing the key failed; it frees itself when the lease ends.', {
      ...fields,
      error: String(error),
    });
  }
}

/**
 * Completion and release are the writes that free a key once the handler has run; a transient fault
 * there (past the SDK's own retries) would hold the key until its lease ends. So they are tried again,
 * backing off, while the invocation has that time to spare (less `leaseMarginMs`).
 */
async function retried<T>(write: () => Promise<T>, scope: ClaimScope, retryable: (error: unknown) => boolean = () => true): Promise<T> {
  const { now, sleep, leaseMarginMs } = scope.options;
  const deadline = settleDeadline(now(), remainingTimeMs(scope.context), leaseMarginMs);
  for (const delay of SETTLE_RETRY_DELAYS_MS) {
    try {
      return await write();
    } catch (error) {
      if (!retryable(error) || now() + delay >= deadline) throw error;
      await sleep(delay);
    }
  }
  return write();
}
