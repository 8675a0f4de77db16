/** What the engine and its adapters say to each other: requests in, outcomes out. */

import type { BusinessWrite, PendingWrite, WriteConditionFailure, WriteOptions } from './business-write';
import type { StepFunction } from './steps/step-function';

export type { BusinessWrite, ConditionFailureRule, WriteConditionFailure, WriteOptions } from './business-write';

/** What a wrapped handler receives as its third argument. */
export interface IdempotencyContext {
  /** The scoped, hashed key of this request (`undefined` when it runs without idempotency). */
  readonly key: string | undefined;
  /**
   * A stable key for a downstream call (a payment provider's own idempotency key): the same for every
   * run of this scoped key and `name`, so even a re-run after a lost lease is deduplicated downstream.
   */
  downstreamKey(name: string): string;
  /**
   * Aborts, with an `IdempotencyLeaseLostError` as its reason, when this invocation's claim is lost while the
   * handler runs (another invocation took the key over after a renewal did not land) or may be (the store did
   * not answer renewals until the lease's end). Pass it to your own calls, or check it before a side effect:
   * `idem.signal.throwIfAborted()`. Never aborts for a request without a key.
   */
  readonly signal: AbortSignal;
  /** Whether the claim is lost (or may be): `signal.aborted`. */
  readonly leaseLost: boolean;
  /**
   * Adds one of the handler's own DynamoDB writes (`{ Put | Update | Delete | ConditionCheck }`, the shape of one
   * `TransactItems` element) to commit together with the result, in one transaction: all of them and the
   * stored result, or none. Nothing is written until the handler returns a final result. Throws
   * `IdempotencyWriteInvalidError` at once on a store that cannot (no `completeWith`), a request without a key,
   * or the write that crosses one of the store's transaction limits (count, size, one action per item).
   */
  write(action: BusinessWrite, options?: WriteOptions): void;
  /**
   * A recovery point: runs `fn` once for this request and `name`, stores its result beside the request's record, and
   * returns the stored result to every later run (after a crash, a timeout, a lost lease or a released error), so only
   * the steps that had not finished run again. Names are unique within a request; results follow the rules of stored
   * results (JSON, the store's size). Inside a durable execution it is the SDK's own `context.step`.
   */
  step: StepFunction;
}

/** A request to claim a key. */
export interface BeginRequest {
  /** The client's key, already validated. */
  readonly key: string;
  /** The operation this request belongs to (an HTTP route, say). @default the `operation` option */
  readonly operation?: string | undefined;
  /** The caller the key belongs to (a principal), if any. */
  readonly scope?: string | undefined;
  /** The hashed request payload, if any. */
  readonly fingerprint?: string | undefined;
  /**
   * The claim's lease token, when its owner is not this invocation but something that outlives it (a durable
   * execution, whose every replay must recognise its own claim). @default a fresh random token
   */
  readonly leaseToken?: string | undefined;
  /** When the claim's lease ends, epoch ms (a durable execution's: its timeout). @default from the invocation's remaining time */
  readonly leaseExpiresAt?: number | undefined;
}

/** How a claim's completion ended: stored (with the handler's writes, if any), or refused with nothing written. */
export type Settled = { readonly kind: 'completed' } | WriteRefusal;

/** The handler's writes were not committed, so neither was its result: every adapter answers these in its own terms. */
export type WriteRefusal =
  /** A write's own condition failed; the key was released, or (`onConditionFailure: 'store'`) this is its final answer. */
  | { readonly kind: 'write-refused'; readonly failures: readonly WriteConditionFailure[] }
  /** The lease ran out and another invocation took the key over before the commit: its record and data stand. */
  | { readonly kind: 'lease-lost' };

/** A key this invocation holds: run the handler, then complete or release it exactly once. */
export interface Claim {
  readonly idem: IdempotencyContext;
  /** The writes the handler added with `idem.write`, in order. */
  readonly writes: () => readonly PendingWrite[];
  /**
   * Stores `result` for replays, with the handler's writes in one transaction when it made any. Without writes
   * a store fault is logged, not thrown: the handler has run, so its caller gets its result. With writes, a
   * refusal is an outcome (nothing written) and throws are `IdempotencyWriteInvalidError` (released) and
   * `IdempotencyStoreError` (still failing after retries: the record stays in progress until its lease ends).
   */
  complete(result: unknown): Promise<Settled>;
  /** Frees the key for a retry. A store fault is logged, not thrown: the lease still ends on time. */
  release(reason: string): Promise<void>;
}

/** Why a request does not run: every adapter answers these in its own terms (409, 422, a failed SQS record…). */
export type Refusal =
  /** Another invocation still holds the key after the wait; a retry after `retryAfterSeconds` is likely to find its result. */
  | { readonly kind: 'in-progress'; readonly retryAfterSeconds: number }
  /** The key was used before with another payload fingerprint. */
  | { readonly kind: 'mismatch' }
  /** The key completed, but its result could not be stored (too large, or its codec failed): it cannot be replayed, and must not run again. */
  | { readonly kind: 'unavailable' }
  | WriteRefusal;

/** The stored result of an earlier run, replayed. */
export interface Replayed<S> {
  readonly kind: 'replayed';
  readonly result: S;
  /** When the first request claimed the key, epoch ms: the replay's age is `now - createdAt`. */
  readonly createdAt: number;
  /** When the key expires, epoch ms: after it, the same key runs again. */
  readonly expiresAt: number;
}

/** What `begin` found: the key is this invocation's to run, or it is answered from what holds it. */
export type Begun<S> = { readonly kind: 'claimed'; readonly claim: Claim } | Replayed<S> | Refusal;

/** One request to run at most once. `R`: what the handler returns; `S`: what is stored and replayed. */
export interface Execution<R, S = R> extends BeginRequest {
  readonly run: (idem: IdempotencyContext) => Promise<R>;
  /** Whether this result is final (stored and replayed) or released so a retry runs again. @default always */
  readonly isFinal?: ((result: R) => boolean) | undefined;
  /** The part of the result to store and replay (an HTTP response without its cookies, say). @default all of it */
  readonly toStored?: ((result: R) => S) | undefined;
}

/** What became of an execution: the handler ran, its stored result was replayed, or it was refused. */
export type Outcome<R, S = R> = { readonly kind: 'ran'; readonly result: R } | Replayed<S> | Refusal;
