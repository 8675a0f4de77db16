/**
 * The port the core talks to. A store performs one conditional write per transition and
 * reports expected outcomes (lost a race, fenced off) as results; it throws only on faults.
 */

import type { AtomicCompletionResult, BusinessWrite, PendingWrite, WriteOptions } from './business-write';
import type { EncodedResult, IdempotencyRecord } from './record';
import type { RenewRequest, RenewResult } from './renewal';
import type { IdempotencyStoreError } from '../errors';
import type { Settled } from './outcome';
import type { StepRunner } from './steps/step-function';
import type { InvocationTelemetry } from './telemetry';
import type { StepGetRequest, StepPutRequest, StepPutResult } from './steps/step-record';

export type { RenewRequest, RenewResult } from './renewal';
export type { StepGetRequest, StepPutRequest, StepPutResult } from './steps/step-record';

export type { AtomicCompletionResult, BusinessWrite, PendingWrite, WriteConditionFailure } from './business-write';

export type { CompletedRecord, EncodedResult, IdempotencyRecord } from './record';
export { isClaimable, isOwnClaim } from './record';

/** Writes a new `IN_PROGRESS` record, provided the key is free (see `isClaimable`). */
export interface ClaimRequest {
  readonly id: string;
  readonly leaseToken: string;
  readonly leaseExpiresAt: number;
  readonly expiration: number;
  readonly fingerprint?: string | undefined;
  /** The clock reading the conditions compare against, in epoch ms. */
  readonly now: number;
}

/**
 * Claimed: `replaced` is the expired record or ended lease the claim overwrote, if any; a claim whose
 * condition failed on its own record (the same lease token: a retry of a write that landed) is claimed too.
 * Not claimed: `existing` is the record that holds the key; absent only if it vanished before it could be read.
 */
export type ClaimResult =
  | { readonly claimed: true; readonly replaced?: IdempotencyRecord | undefined }
  | { readonly claimed: false; readonly existing?: IdempotencyRecord | undefined };

/** Turns the caller's `IN_PROGRESS` record into `COMPLETED`, provided it still holds the lease. */
export interface CompleteRequest {
  readonly id: string;
  readonly leaseToken: string;
  readonly result: EncodedResult;
  readonly expiration: number;
}

/** Options of one store call. */
export interface StoreCallOptions {
  /** Aborts the call: it rejects promptly, whatever the network does. */
  readonly signal?: AbortSignal;
}

/**
 * Persistence for idempotency records. Implemented by `DynamoDbStore` and `MemoryStore`.
 *
 * Every write may be retried by the client after its answer was lost (a reset, a timeout): each transition
 * recognises the caller's own lease token, so a write that already landed counts as done, never as a race
 * lost or a lease taken over. Another token is still refused.
 */
export interface IdempotencyStore {
  /** The largest encoded result, in bytes, one record can hold; larger results are stored as `omitted`. */
  readonly maxResultBytes: number;
  /**
   * One conditional write: succeeds only if the key is absent, expired, or in progress with an expired lease,
   * or already holds this claim (its lease token).
   */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /** A strongly consistent read of the record, or `undefined` if there is none. */
  get(id: string, options?: StoreCallOptions): Promise<IdempotencyRecord | undefined>;
  /**
   * Completes the record if it holds the caller's lease token (in progress, or already completed by the
   * same token); `{ completed: false }` when another invocation took the lease over: its record stands.
   */
  complete(request: CompleteRequest): Promise<{ readonly completed: boolean }>;
  /**
   * Deletes the record so a retry can run; an absent record counts as released. `{ released: false }` when
   * the record holds another lease token.
   */
  release(id: string, leaseToken: string): Promise<{ readonly released: boolean }>;
  /**
   * Moves the caller's in-progress lease forward (see `RenewRequest`), so a handler that runs long is not taken
   * over. Every store of this package has it; a store without it keeps one lease per claim (`maxLeaseMs`).
   */
  renew?(request: RenewRequest): Promise<RenewResult>;
  /**
   * Optional: completes the record and commits the handler's `writes` in one atomic write, all or nothing,
   * fenced like `complete` (a retry by the same lease token that already landed counts as completed).
   * A store without it cannot take `idem.write`; the engine refuses the first such write.
   * Throws `IdempotencyWriteInvalidError` for writes it cannot send (its limits); other throws are faults.
   */
  completeWith?(request: CompleteRequest, writes: readonly PendingWrite[]): Promise<AtomicCompletionResult>;
  /**
   * Optional, with `completeWith`: one `idem.write` for record `id`, after the writes `collected` so far, checked
   * (its shape, its rule, the store's limits: count, size, one action per item) and named, or an
   * `IdempotencyWriteInvalidError`, so the handler learns of the write that crosses a limit before its other side effects.
   */
  collectWrite?(id: string, collected: readonly PendingWrite[], action: BusinessWrite, options?: WriteOptions): PendingWrite;
  /** Optional: a step's stored result (`idem.step`), or `undefined`. A store without it cannot take `idem.step`. */
  getStep?(request: StepGetRequest): Promise<EncodedResult | undefined>;
  /** Optional: stores a completed step's result unless one is stored (see `StepPutRequest`). */
  putStep?(request: StepPutRequest): Promise<StepPutResult>;
  /**
   * Optional: the engine's code for what the store's optional members make possible (see `StoreCapabilities`).
   * Without it, or without one of its members, the engine refuses `idem.step` / `idem.write` as it does for a store
   * that lacks those members.
   */
  readonly capabilities?: StoreCapabilities;
}

/**
 * The engine's code that a store brings with its capabilities, so a handler bundles only what its store can do: a
 * store given `steps: dynamoDbSteps()` brings the runner of `idem.step`; one given `transactions: dynamoDbTransactions()`
 * brings the commit of `idem.write`'s writes. Data, not store calls: nothing here reaches the database by itself.
 */
export interface StoreCapabilities {
  /** With `getStep` and `putStep`: core's `stepRunner`, which makes `idem.step` store through them. */
  readonly stepRunner?: StepRunner | undefined;
  /** With `completeWith` and `collectWrite`: core's `commitWrites`, which settles a claim whose handler wrote. */
  readonly commitWrites?: CommitWrites | undefined;
}

/**
 * What committing a claim's writes needs from the claim's settlement (`core/claim/settlement.ts`): its retries, its
 * log fields, and its other two ways to settle, so a commit answers as a plain completion does.
 */
export interface CommitSettlement {
  /** The store whose `completeWith` commits. */
  readonly store: IdempotencyStore;
  readonly telemetry: InvocationTelemetry;
  /** The claim's log fields (its hashed key). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Sends `write`, tried again as a completion is while the invocation has time to spare and `retryable` says so. */
  retried<T>(write: () => Promise<T>, retryable: (error: unknown) => boolean): Promise<T>;
  /** Completes the record with `request` alone (a write refusal stored as the key's answer). */
  complete(request: CompleteRequest): Promise<unknown>;
  /** Releases the key, saying why. */
  release(reason: string): Promise<unknown>;
  /** Keeps a committed result in the local cache. */
  remember(request: CompleteRequest): void;
  /** Wraps a failure as the invocation's store fault: "Could not <what>: …". */
  storeFault(what: string, error: unknown): IdempotencyStoreError;
  /** Called before a commit fault is thrown: a durable claim is left open for its step's retry to settle again. */
  reopen(): void;
}

/** Settles a claim whose handler wrote through `idem.write`: `request`'s result and the `writes` in one atomic write. */
export type CommitWrites = (request: CompleteRequest, writes: readonly PendingWrite[], settlement: CommitSettlement) => Promise<Settled>;
