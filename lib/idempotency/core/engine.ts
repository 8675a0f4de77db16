import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  IdempotencyInProgressError,
  IdempotencyPayloadMismatchError,
  IdempotencyResultUnavailableError,
  IdempotencyStoreError,
} from '../errors';
import { decide, type Decision } from './decide';
import { leaseDurationMs, remainingTimeMs, retryAfterSeconds, waitBudgetMs, type InvocationClock } from './lease';
import { LocalCache } from './local-cache';
import type { ResolvedEngineOptions } from './options';
import { decodeResult, encodeResult } from './result-codec';
import { assertValidKey, downstreamKey, scopedId } from './scoped-key';
import type { EncodedResult, IdempotencyRecord } from './store';
import { InvocationTelemetry, MetricName } from './telemetry';

/** What a wrapped handler receives as its third argument. */
export interface IdempotencyContext {
  /** The scoped, hashed key of this request (`undefined` when it runs without idempotency). */
  readonly key: string | undefined;
  /**
   * A stable key for a downstream call (a payment provider's own idempotency key): the same for every
   * run of this scoped key and `name`, so even a re-run after a lost lease is deduplicated downstream.
   */
  downstreamKey(name: string): string;
}

/** A request to claim a key. */
export interface BeginRequest {
  /** The client's key, already validated. */
  readonly key: string;
  /** The operation this request belongs to (an HTTP route, say). @default the `operation` option */
  readonly operation?: string;
  /** The caller the key belongs to (a principal), if any. */
  readonly scope?: string;
  /** The hashed request payload, if any. */
  readonly fingerprint?: string;
  readonly context?: InvocationClock;
  /** Counts and logs what happens; one per invocation, flushed by the adapter. @default one that logs but whose metrics are never flushed */
  readonly telemetry?: InvocationTelemetry;
}

/** A key this invocation holds: run the handler, then complete or release it exactly once. */
export interface Claim {
  readonly idem: IdempotencyContext;
  /** Stores `result` for replays. A store fault is logged, not thrown: the handler has run, so its caller gets its result. Call once. */
  complete(result: unknown): Promise<void>;
  /** Frees the key for a retry. A store fault is logged, not thrown: the lease still ends on time. Call once. */
  release(reason: string): Promise<void>;
}

/** A replay of a completed key, or the claim to run it. */
export type Begun<S> = { readonly replayed: true; readonly result: S } | { readonly replayed: false; readonly claim: Claim };

/** One request to run at most once. `R`: what the handler returns; `S`: what is stored and replayed. */
export interface Execution<R, S = R> extends BeginRequest {
  readonly run: (idem: IdempotencyContext) => Promise<R>;
  /** Whether this result is final (stored and replayed) or released so a retry runs again. @default always */
  readonly isFinal?: (result: R) => boolean;
  /** The part of the result to store and replay (an HTTP response without its cookies, say). @default all of it */
  readonly toStored?: (result: R) => S;
}

/** The handler's own result, or the stored one replayed from an earlier run. */
export type Outcome<R, S = R> =
  | { readonly replayed: false; readonly result: R }
  | { readonly replayed: true; readonly result: S };

const MAX_CLAIM_ATTEMPTS = 8;
const FIRST_POLL_MS = 40;
const MAX_POLL_MS = 400;
// About 3 s in all: longer than a brief outage (a DynamoDB Local restart, a network blip), bounded by the invocation.
const SETTLE_RETRY_DELAYS_MS = [50, 100, 200, 400, 800, 1600];

/** The core: claim -> decide -> run -> complete | release. Knows no event source and no database. */
export class IdempotencyEngine {
  private readonly cache: LocalCache;

  constructor(private readonly options: ResolvedEngineOptions) {
    this.cache = new LocalCache(options.localCacheEntries);
  }

  /** The operation keys belong to unless a request names its own. */
  get operation(): string {
    return this.options.operation;
  }

  /** A telemetry for one invocation: flush it when the invocation ends. */
  telemetry(): InvocationTelemetry {
    return new InvocationTelemetry(this.options.logger, this.options.metrics, this.options.now);
  }

  /** Claims, runs and settles one request, or replays it. */
  async execute<R, S = R>(execution: Execution<R, S>): Promise<Outcome<R, S>> {
    const telemetry = execution.telemetry ?? this.telemetry();
    const begun = await this.begin<S>({ ...execution, telemetry });
    if (begun.replayed) return begun;
    const { claim } = begun;
    let result: R;
    try {
      result = await execution.run(claim.idem);
    } catch (error) {
      telemetry.record(MetricName.handlerErrors, 'debug', 'The handler threw.', { idempotencyKey: claim.idem.key });
      await claim.release('the handler threw');
      throw error;
    }
    let stored: { final: false } | { final: true; value: unknown };
    try {
      stored = execution.isFinal && !execution.isFinal(result) ? { final: false } : { final: true, value: execution.toStored ? execution.toStored(result) : result };
    } catch (error) {
      // The adapter could not read the result (a user's isFinalStatus threw, a BigInt in a response):
      // nothing can be stored, so free the key rather than hold it until the lease ends.
      await claim.release('the result could not be read');
      throw error;
    }
    if (stored.final) await claim.complete(stored.value);
    else await claim.release('the result is not final');
    return { replayed: false, result };
  }

  /**
   * Claims the key, or answers from what holds it: a replay, a mismatch or unavailable result (thrown),
   * or, after waiting up to the bound, `IdempotencyInProgressError`.
   */
  async begin<S>(request: BeginRequest): Promise<Begun<S>> {
    const { store, now } = this.options;
    const telemetry = request.telemetry ?? this.telemetry();
    assertValidKey(request.key); // adapters check first to answer in their own terms; this guards the rest
    const id = scopedId(request.operation ?? this.options.operation, request.scope, request.key);
    const fields = { idempotencyKey: id };
    const remaining = remainingTimeMs(request.context);
    const waitUntil = now() + waitBudgetMs(remaining, this.options);

    const cached = this.cache.get(id, now());
    const known = cached && decide(cached, request.fingerprint, now());
    if (known && known.kind !== 'claim' && known.kind !== 'wait') return this.answer<S>(known, telemetry, { ...fields, source: 'local cache' });

    let pollMs = FIRST_POLL_MS;
    let waited = false;
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const leaseToken = randomUUID();
      const claimedAt = now();
      const claim = await this.guard(telemetry, fields, 'claim', () =>
        store.claim({
          id,
          leaseToken,
          leaseExpiresAt: claimedAt + leaseDurationMs(remaining, this.options),
          expiration: this.expirationFrom(claimedAt),
          fingerprint: request.fingerprint,
          now: claimedAt,
        }),
      );
      if (claim.claimed) {
        telemetry.record(MetricName.claimed, 'debug', 'Claimed the key.', fields);
        const { replaced } = claim;
        // A retried claim may overwrite this very attempt's record once its own short lease ended: no takeover.
        if (replaced?.status === 'IN_PROGRESS' && replaced.leaseToken !== leaseToken && replaced.expiration >= Math.floor(claimedAt / 1000)) {
          telemetry.record(MetricName.leaseTakeovers, 'warn', 'Took the key over from an invocation whose lease ended.', {
            ...fields,
            leaseEndedAt: new Date(replaced.leaseExpiresAt).toISOString(),
          });
        }
        return { replayed: false, claim: this.claimHandle(id, leaseToken, request, telemetry) };
      }

      let record: IdempotencyRecord | undefined = claim.existing;
      for (;;) {
        const decision = decide(record, request.fingerprint, now());
        if (decision.kind === 'claim') break;
        if (decision.kind !== 'wait') return this.answer<S>(decision, telemetry, { ...fields, source: 'store' });
        const left = waitUntil - now();
        const turnAway = () => {
          telemetry.record(MetricName.inProgressRejections, 'info', 'The key is still in progress; the duplicate is turned away.', fields);
          return new IdempotencyInProgressError(retryAfterSeconds(decision.leaseExpiresAt, now()));
        };
        if (left <= 0) throw turnAway();
        if (!waited) {
          waited = true;
          telemetry.record(MetricName.inFlightWaits, 'info', 'The key is in progress; waiting for its result.', fields);
        }
        // Jittered backoff: 200 waiting duplicates should not poll in lockstep; never past MAX_POLL_MS.
        await sleep(Math.min(left, MAX_POLL_MS, pollMs * (0.5 + Math.random())));
        pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
        // The read is bounded by the wait too: a GetItem stuck in SDK retries must not hold the duplicate past it.
        const signal = AbortSignal.timeout(Math.max(1, waitUntil - now()));
        try {
          record = await this.guard(telemetry, fields, 'read', () => untilAborted(store.get(id, { signal }), signal), signal);
        } catch (error) {
          if (signal.aborted) throw turnAway();
          throw error;
        }
      }
    }
    // Keys claimed and released over and over by others: rare enough to hand back to the caller.
    telemetry.record(MetricName.inProgressRejections, 'info', 'The key keeps changing hands; the duplicate is turned away.', fields);
    throw new IdempotencyInProgressError(1);
  }

  private answer<S>(decision: Exclude<Decision, { kind: 'claim' | 'wait' }>, telemetry: InvocationTelemetry, fields: Record<string, unknown>): { replayed: true; result: S } {
    switch (decision.kind) {
      case 'replay':
        this.cache.set(decision.record);
        telemetry.record(MetricName.replayed, 'info', 'Replayed the stored result.', fields);
        return { replayed: true, result: decodeResult(decision.record.result as Exclude<EncodedResult, { encoding: 'omitted' }>) as S };
      case 'mismatch':
        telemetry.record(MetricName.payloadMismatches, 'warn', 'The key was reused with another payload; nothing runs.', fields);
        throw new IdempotencyPayloadMismatchError();
      case 'unavailable':
        telemetry.record(undefined, 'warn', 'The key completed, but its result was not stored; it cannot be replayed.', fields);
        throw new IdempotencyResultUnavailableError();
    }
  }

  private claimHandle(id: string, leaseToken: string, request: BeginRequest, telemetry: InvocationTelemetry): Claim {
    const fields = { idempotencyKey: id };
    let settled = false;
    const once = (what: string) => {
      if (settled) throw new Error(`The claim was already settled; cannot ${what} it again.`);
      settled = true;
    };
    return {
      idem: { key: id, downstreamKey: (name) => downstreamKey(id, name) },
      complete: async (result) => {
        once('complete');
        await this.completeQuietly(id, leaseToken, result, request, telemetry);
      },
      release: async (reason) => {
        once('release');
        await this.releaseQuietly(id, leaseToken, request.context, telemetry, { ...fields, reason });
      },
    };
  }

  /**
   * The handler has run, so its caller gets the result whatever happens here. The write is retried
   * (see `settle`); if it still fails, the record stays in progress until its lease ends, and a retry
   * after that runs the handler again, which `idem.downstreamKey` makes safe downstream.
   */
  private async completeQuietly(id: string, leaseToken: string, result: unknown, request: BeginRequest, telemetry: InvocationTelemetry): Promise<void> {
    const { store, now } = this.options;
    const fields = { idempotencyKey: id };
    let encoded: EncodedResult;
    try {
      encoded = encodeResult(result, store.maxResultBytes);
    } catch (error) {
      telemetry.record(undefined, 'warn', 'The result is not JSON-serialisable, so it cannot be replayed.', { ...fields, error: String(error) });
      encoded = { encoding: 'omitted' };
    }
    const completedAt = now();
    const expiration = this.expirationFrom(completedAt);
    try {
      const { completed } = await this.settle(() => store.complete({ id, leaseToken, result: encoded, expiration }), request.context);
      if (!completed) {
        telemetry.record(MetricName.fencingRejections, 'warn', "The lease was taken over before completion; the new owner's record stands.", fields);
        return;
      }
      if (encoded.encoding === 'omitted') {
        telemetry.record(MetricName.resultsNotStored, 'warn', 'The result is too large to store; duplicates cannot replay it.', fields);
        return;
      }
      telemetry.record(undefined, 'debug', 'Stored the result.', fields);
      this.cache.set({ id, status: 'COMPLETED', expiration, fingerprint: request.fingerprint, result: encoded, createdAt: completedAt });
    } catch (error) {
      telemetry.record(MetricName.storeErrors, 'error', 'Storing the result failed; the record stays in progress until its lease ends.', {
        ...fields,
        error: String(error),
      });
    }
  }

  private async releaseQuietly(
    id: string,
    leaseToken: string,
    context: InvocationClock | undefined,
    telemetry: InvocationTelemetry,
    fields: Record<string, unknown>,
  ): Promise<void> {
    try {
      const { released } = await this.settle(() => this.options.store.release(id, leaseToken), context);
      if (released) telemetry.record(undefined, 'info', 'Released the key for a retry.', fields);
      else telemetry.record(MetricName.fencingRejections, 'warn', "The lease was taken over before release; the new owner's record stands.", fields);
    } catch (error) {
      telemetry.record(MetricName.storeErrors, 'error', 'Releasing the key failed; it frees itself when the lease ends.', { ...fields, error: String(error) });
    }
  }

  /**
   * Completion and release are the writes that free a key once the handler has run; a transient fault
   * there (past the SDK's own retries) would hold the key until its lease ends. So they are tried again
   * after 50 and 200 ms, while the invocation has that time to spare (less `leaseMarginMs`).
   */
  private async settle<T>(write: () => Promise<T>, context: InvocationClock | undefined): Promise<T> {
    const remaining = remainingTimeMs(context);
    const deadline = remaining === undefined ? Infinity : this.options.now() + remaining - this.options.leaseMarginMs;
    for (const delay of SETTLE_RETRY_DELAYS_MS) {
      try {
        return await write();
      } catch (error) {
        if (this.options.now() + delay >= deadline) throw error;
        await sleep(delay);
      }
    }
    return write();
  }

  private async guard<T>(telemetry: InvocationTelemetry, fields: Record<string, unknown>, step: string, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (signal?.aborted) throw error; // the caller's own bound, not a store fault
      const message = error instanceof Error ? error.message : String(error);
      telemetry.record(MetricName.storeErrors, 'error', `The store failed (${step}).`, { ...fields, error: message });
      throw new IdempotencyStoreError(`Could not ${step === 'claim' ? 'claim the idempotency key' : 'read the idempotency record'}: ${message}`, error);
    }
  }

  private expirationFrom(nowMs: number): number {
    return Math.floor(nowMs / 1000) + this.options.expiresAfterSeconds;
  }
}

/** `promise`, or a rejection as soon as `signal` aborts: a store that ignores the signal cannot hold the caller. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
