import { IdempotencyStoreError } from '../errors';
import { expirationFrom, pollDelayMs } from './backoff';
import { heldClaim, newLeaseToken, type ClaimScope } from './claim-settlement';
import { decide, type Decision } from './decide';
import { assertValidKey } from './key-rules';
import { leaseDurationMs, remainingTimeMs, retryAfterSeconds, waitBudgetMs, type InvocationClock } from './lease';
import { LocalCache } from './local-cache';
import type { ResolvedEngineOptions } from './options';
import type { BeginRequest, Begun, Claim, Execution, Outcome, Refusal, Replayed } from './outcome';
import { isTakeover, type EncodedResult, type IdempotencyRecord } from './record';
import { decodeResult } from './result-codec';
import { scopedId } from './scoped-key';
import { storedRefusal } from './stored-refusal';
import { InvocationTelemetry, MetricName } from './telemetry';

const MAX_CLAIM_ATTEMPTS = 8;

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

  /** The clock the engine reads. */
  now(): number {
    return this.options.now();
  }

  /** One invocation: its telemetry, and the remaining time its leases and waits follow. Flush it once, when it ends. */
  start(context?: InvocationClock): Invocation {
    return new Invocation(this.options, this.cache, context);
  }

  /** Runs `work` in one invocation and flushes its telemetry once, whatever happens. */
  async invoke<T>(context: InvocationClock | undefined, work: (invocation: Invocation) => Promise<T>): Promise<T> {
    const invocation = this.start(context);
    try {
      return await work(invocation);
    } finally {
      invocation.flush();
    }
  }
}

/**
 * The requests of one Lambda invocation. Returns an outcome for everything an adapter expects; throws only
 * its own store faults (`isStoreFault` tells them apart) and the handler's error, unchanged.
 */
export class Invocation {
  /** Counts and logs what happens in this invocation. */
  readonly telemetry: InvocationTelemetry;
  private readonly storeFaults = new WeakSet<object>();

  constructor(
    private readonly options: ResolvedEngineOptions,
    private readonly cache: LocalCache,
    private readonly context: InvocationClock | undefined,
  ) {
    this.telemetry = new InvocationTelemetry(options.logger, options.metrics, options.now);
  }

  /** Whether `error` is a store fault this invocation raised, not one the handler threw (a nested idempotent call's). */
  isStoreFault(error: unknown): error is IdempotencyStoreError {
    return typeof error === 'object' && error !== null && this.storeFaults.has(error);
  }

  /** Writes this invocation's metrics; later calls write nothing. */
  flush(): void {
    this.telemetry.flush();
  }

  /** Claims, runs and settles one request, or answers it from what holds its key. */
  async execute<R, S = R>(execution: Execution<R, S>): Promise<Outcome<R, S>> {
    const begun = await this.begin<S>(execution);
    if (begun.kind !== 'claimed') return begun;
    const { claim } = begun;
    let result: R;
    try {
      result = await execution.run(claim.idem);
    } catch (error) {
      this.telemetry.record(MetricName.handlerErrors, 'debug', 'The handler threw.', { idempotencyKey: claim.idem.key });
      await claim.release('the handler threw');
      throw error;
    }
    let stored: { final: false } | { final: true; value: unknown };
    try {
      stored =
        execution.isFinal && !execution.isFinal(result)
          ? { final: false }
          : { final: true, value: execution.toStored ? execution.toStored(result) : result };
    } catch (error) {
      // The adapter could not read the result (a user's isFinalStatus threw, a BigInt in a response):
      // nothing can be stored, so free the key rather than hold it until the lease ends.
      await claim.release('the result could not be read');
      throw error;
    }
    // The handler's own writes go only with a final result, in one transaction with it; a release drops them.
    if (stored.final && claim.writes().length > 0) await claim.commit(stored.value);
    else if (stored.final) await claim.complete(stored.value);
    else await claim.release('the result is not final');
    return { kind: 'ran', result };
  }

  /**
   * A claim held by its lease token, to settle in this invocation: the one `begin` just made, or one an earlier
   * invocation of the same owner made (a durable execution's claim, settled by the invocation that finishes it).
   */
  held(id: string, leaseToken: string, fingerprint: string | undefined): Claim {
    const scope: ClaimScope = {
      options: this.options,
      cache: this.cache,
      telemetry: this.telemetry,
      context: this.context,
      storeFault: (fault) => this.storeFaults.add(fault),
    };
    return heldClaim(id, leaseToken, fingerprint, scope);
  }

  /** Claims the key, or answers from what holds it: a replay, a refusal, or (after the bounded wait) in progress. */
  async begin<S>(request: BeginRequest): Promise<Begun<S>> {
    const { store, now } = this.options;
    assertValidKey(request.key); // adapters check first to answer in their own terms; this guards the rest
    const id = scopedId(request.operation ?? this.options.operation, request.scope, request.key);
    const fields = { idempotencyKey: id };
    const remaining = remainingTimeMs(this.context);
    const waitUntil = now() + waitBudgetMs(remaining, this.options);

    const cached = this.cache.get(id, now());
    const known = cached && decide(cached, request.fingerprint, now());
    if (known && known.kind !== 'claim' && known.kind !== 'wait') return this.answer<S>(known, { ...fields, source: 'local cache' });

    let polls = 0;
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const leaseToken = request.leaseToken ?? newLeaseToken();
      const claimedAt = now();
      const claim = await this.guard(fields, 'claim', () =>
        store.claim({
          id,
          leaseToken,
          leaseExpiresAt: request.leaseExpiresAt ?? claimedAt + leaseDurationMs(remaining, this.options),
          expiration: expirationFrom(claimedAt, this.options.expiresAfterSeconds),
          fingerprint: request.fingerprint,
          now: claimedAt,
        }),
      );
      if (claim.claimed) {
        this.telemetry.record(MetricName.claimed, 'debug', 'Claimed the key.', fields);
        if (isTakeover(claim.replaced, leaseToken, claimedAt)) {
          this.telemetry.record(MetricName.leaseTakeovers, 'warn', 'Took the key over from an invocation whose lease ended.', {
            ...fields,
            leaseEndedAt: new Date(claim.replaced.leaseExpiresAt).toISOString(),
          });
        }
        return { kind: 'claimed', claim: this.held(id, leaseToken, request.fingerprint) };
      }

      let record: IdempotencyRecord | undefined = claim.existing;
      for (;;) {
        const decision = decide(record, request.fingerprint, now());
        if (decision.kind === 'claim') break;
        if (decision.kind !== 'wait') return this.answer<S>(decision, { ...fields, source: 'store' });
        const turnAway = (): Refusal => {
          this.telemetry.record(
            MetricName.inProgressRejections,
            'info',
            'The key is still in progress; the duplicate is turned away.',
            fields,
          );
          return { kind: 'in-progress', retryAfterSeconds: retryAfterSeconds(decision.leaseExpiresAt, now()) };
        };
        const left = waitUntil - now();
        if (left <= 0) return turnAway();
        if (polls === 0) this.telemetry.record(MetricName.inFlightWaits, 'info', 'The key is in progress; waiting for its result.', fields);
        await this.options.sleep(pollDelayMs(polls++, left, this.options.random));
        // The read is bounded by the wait too: a GetItem stuck in SDK retries must not hold the duplicate past it.
        const signal = AbortSignal.timeout(Math.max(1, waitUntil - now()));
        try {
          record = await this.guard(fields, 'read', () => untilAborted(store.get(id, { signal }), signal), signal);
        } catch (error) {
          if (signal.aborted) return turnAway();
          throw error;
        }
      }
    }
    // Keys claimed and released over and over by others: rare enough to hand back to the caller.
    this.telemetry.record(MetricName.inProgressRejections, 'info', 'The key keeps changing hands; the duplicate is turned away.', fields);
    return { kind: 'in-progress', retryAfterSeconds: 1 };
  }

  private answer<S>(decision: Exclude<Decision, { kind: 'claim' | 'wait' }>, fields: Record<string, unknown>): Replayed<S> | Refusal {
    switch (decision.kind) {
      case 'replay':
        this.cache.set(decision.record);
        this.telemetry.record(MetricName.replayed, 'info', 'Replayed the stored result.', fields);
        {
          const result = decodeResult(decision.record.result as Exclude<EncodedResult, { encoding: 'omitted' }>);
          // A write's refusal stored as the key's answer: every retry gets the error the first caller got.
          const refusal = storedRefusal(result);
          if (refusal) throw refusal;
          return { kind: 'replayed', result: result as S };
        }
      case 'mismatch':
        this.telemetry.record(MetricName.payloadMismatches, 'warn', 'The key was reused with another payload; nothing runs.', fields);
        return { kind: 'mismatch' };
      case 'unavailable':
        this.telemetry.record(undefined, 'warn', 'The key completed, but its result was not stored; it cannot be replayed.', fields);
        return { kind: 'unavailable' };
    }
  }

  private async guard<T>(
    fields: Record<string, unknown>,
    step: 'claim' | 'read',
    call: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (signal?.aborted) throw error; // the caller's own bound, not a store fault
      const message = error instanceof Error ? error.message : String(error);
      this.telemetry.record(MetricName.storeErrors, 'error', `The store failed (${step}).`, { ...fields, error: message });
      const fault = new IdempotencyStoreError(
        `Could not ${step === 'claim' ? 'claim the idempotency key' : 'read the idempotency record'}: ${message}`,
        error,
      );
      this.storeFaults.add(fault);
      throw fault;
    }
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
