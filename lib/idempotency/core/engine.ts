import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  IdempotencyInProgressError,
  IdempotencyPayloadMismatchError,
  IdempotencyResultUnavailableError,
  IdempotencyStoreError,
} from '../errors';
import { decide } from './decide';
import { leaseDurationMs, remainingTimeMs, retryAfterSeconds, waitBudgetMs, type InvocationClock } from './lease';
import { LocalCache } from './local-cache';
import type { ResolvedEngineOptions } from './options';
import { decodeResult, encodeResult } from './result-codec';
import { downstreamKey, scopedId } from './scoped-key';
import type { EncodedResult, IdempotencyRecord } from './store';

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

/** One request to run at most once. `R`: what the handler returns; `S`: what is stored and replayed. */
export interface Execution<R, S = R> {
  /** The client's key, already validated. */
  readonly key: string;
  /** The operation this request belongs to (an HTTP route, say). @default the `operation` option */
  readonly operation?: string;
  /** The caller the key belongs to (a principal), if any. */
  readonly scope?: string;
  /** The hashed request payload, if any. */
  readonly fingerprint?: string;
  readonly context?: InvocationClock;
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
const SETTLE_RETRY_DELAYS_MS = [50, 200];

/** The core: claim -> decide -> run -> complete | release. Knows no event source and no database. */
export class IdempotencyEngine {
  private readonly cache: LocalCache;

  constructor(private readonly options: ResolvedEngineOptions) {
    this.cache = new LocalCache(options.localCacheEntries);
  }

  /** The operation keys belong to unless an execution names its own. */
  get operation(): string {
    return this.options.operation;
  }

  async execute<R, S = R>(execution: Execution<R, S>): Promise<Outcome<R, S>> {
    const { store, now } = this.options;
    const id = scopedId(execution.operation ?? this.options.operation, execution.scope, execution.key);
    const remaining = remainingTimeMs(execution.context);
    const waitUntil = now() + waitBudgetMs(remaining, this.options);

    const cached = this.cache.get(id, now());
    if (cached) return this.answer<S>(decide(cached, execution.fingerprint, now()));

    let pollMs = FIRST_POLL_MS;
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const leaseToken = randomUUID();
      const claimedAt = now();
      const claim = await guard('claim the idempotency key', () =>
        store.claim({
          id,
          leaseToken,
          leaseExpiresAt: claimedAt + leaseDurationMs(remaining, this.options),
          expiration: this.expirationFrom(claimedAt),
          fingerprint: execution.fingerprint,
          now: claimedAt,
        }),
      );
      if (claim.claimed) return { result: await this.runClaimed(id, leaseToken, execution), replayed: false };

      let record: IdempotencyRecord | undefined = claim.existing;
      for (;;) {
        const decision = decide(record, execution.fingerprint, now());
        if (decision.kind === 'claim') break;
        if (decision.kind !== 'wait') return this.answer<S>(decision);
        const left = waitUntil - now();
        if (left <= 0) throw new IdempotencyInProgressError(retryAfterSeconds(decision.leaseExpiresAt, now()));
        // Jittered backoff: 200 waiting duplicates should not poll in lockstep.
        await sleep(Math.min(left, pollMs * (0.5 + Math.random())));
        pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
        record = await guard('read the idempotency record', () => store.get(id));
      }
    }
    // Keys claimed and released over and over by others: rare enough to hand back to the caller.
    throw new IdempotencyInProgressError(1);
  }

  private answer<S>(decision: ReturnType<typeof decide>): { replayed: true; result: S } {
    switch (decision.kind) {
      case 'replay':
        this.cache.set(decision.record);
        return { result: decodeResult(decision.record.result as Exclude<EncodedResult, { encoding: 'omitted' }>) as S, replayed: true };
      case 'mismatch':
        throw new IdempotencyPayloadMismatchError();
      case 'unavailable':
        throw new IdempotencyResultUnavailableError();
      default:
        throw new Error(`unreachable decision ${decision.kind}`);
    }
  }

  private async runClaimed<R, S>(id: string, leaseToken: string, execution: Execution<R, S>): Promise<R> {
    const idem: IdempotencyContext = { key: id, downstreamKey: (name) => downstreamKey(id, name) };
    let result: R;
    try {
      result = await execution.run(idem);
    } catch (error) {
      await this.releaseQuietly(id, leaseToken, execution.context);
      throw error;
    }
    if (execution.isFinal && !execution.isFinal(result)) {
      await this.releaseQuietly(id, leaseToken, execution.context);
      return result;
    }
    const stored = execution.toStored ? execution.toStored(result) : result;
    await this.completeQuietly(id, leaseToken, stored, execution.fingerprint, execution.context);
    return result;
  }

  /**
   * The handler has run, so its caller gets the result whatever happens here. The write is retried
   * (see `settle`); if it still fails, the record stays in progress until its lease ends, and a retry
   * after that runs the handler again, which `idem.downstreamKey` makes safe downstream.
   */
  private async completeQuietly(
    id: string,
    leaseToken: string,
    result: unknown,
    fingerprint: string | undefined,
    context: InvocationClock | undefined,
  ): Promise<void> {
    const { store, now, logger } = this.options;
    let encoded: EncodedResult;
    try {
      encoded = encodeResult(result, store.maxResultBytes);
    } catch (error) {
      logger.warn('The result is not JSON-serialisable, so it cannot be replayed.', { id, error: String(error) });
      encoded = { encoding: 'omitted' };
    }
    const completedAt = now();
    const expiration = this.expirationFrom(completedAt);
    try {
      const { completed } = await this.settle(() => store.complete({ id, leaseToken, result: encoded, expiration }), context);
      if (!completed) {
        logger.warn('The lease was taken over before completion; the new owner\'s record stands.', { id });
        return;
      }
      if (encoded.encoding === 'omitted') {
        logger.warn('The result is too large to store; duplicates cannot replay it.', { id });
        return;
      }
      this.cache.set({ id, status: 'COMPLETED', expiration, fingerprint, result: encoded, createdAt: completedAt });
    } catch (error) {
      logger.warn('Storing the result failed; the record stays in progress until its lease ends.', { id, error: String(error) });
    }
  }

  /** Frees the key for a retry. If this fails too, the lease still ends on time. */
  private async releaseQuietly(id: string, leaseToken: string, context: InvocationClock | undefined): Promise<void> {
    try {
      const { released } = await this.settle(() => this.options.store.release(id, leaseToken), context);
      if (!released) this.options.logger.warn('The lease was taken over before release; the new owner\'s record stands.', { id });
    } catch (error) {
      this.options.logger.warn('Releasing the key failed; it frees itself when the lease ends.', { id, error: String(error) });
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

  private expirationFrom(nowMs: number): number {
    return Math.floor(nowMs / 1000) + this.options.expiresAfterSeconds;
  }
}

async function guard<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new IdempotencyStoreError(`Could not ${what}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}
