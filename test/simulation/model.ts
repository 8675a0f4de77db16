import type { IdempotencyRecord } from 'lambda-idempotency';
import type { Actor } from './scheduler';
import type { RequestSpec } from './scenario';

/** What a caller got back, in the terms the invariants judge. */
export type Answer =
  | { readonly kind: 'result'; readonly tag: ResultTag; readonly replayed: boolean | undefined }
  | { readonly kind: 'in-progress'; readonly retryAfterSeconds: number | undefined }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'store-unavailable'; readonly retryAfterSeconds: number | undefined }
  | { readonly kind: 'lease-lost' }
  | { readonly kind: 'handler-error' }
  | { readonly kind: 'handler-status'; readonly statusCode: number }
  | { readonly kind: 'sqs'; readonly failed: boolean }
  | { readonly kind: 'unexpected'; readonly detail: string };

/** What every simulated result carries: whose it is, so a caller given another's is caught. */
export interface ResultTag {
  readonly key: string;
  readonly payload: string;
  readonly run: number;
}

/** One invocation of a simulated Lambda function: one request. */
export interface Invocation extends Actor {
  readonly request: RequestSpec;
  /** This container's clock minus the global one. */
  readonly skewMs: number;
  /** Global virtual ms: when it started and when Lambda stops it. */
  readonly startedAt: number;
  readonly deadline: number;
  /** Frozen past its lease once: Lambda's deadline no longer stops it (the late, fenced writer). */
  paused: boolean;
  /** Global virtual ms until which the process is frozen: none of its steps (handler, store calls, lease keeper) runs before. */
  frozenUntil?: number | undefined;
  /** Claims the engine was told it holds (token → id). */
  readonly claims: Map<string, string>;
  /** The last of them: the one its handler runs under. */
  lastClaim?: { readonly token: string; readonly id: string } | undefined;
  /** Faults injected on its calls, by call name. */
  readonly faults: string[];
  /** Its calls per name, for forced faults. */
  readonly calls: Map<string, number>;
  answer?: Answer | undefined;
}

/** One run of a handler. */
export interface Run {
  readonly id: number;
  readonly invocation: Invocation;
  /** The record id and lease token it runs under. */
  readonly recordId: string;
  readonly token: string;
  readonly downstreamKey: string;
  /** What it returned (before the adapter stored it), if it did. */
  returned?: ResultTag | undefined;
}

/** A lease the store granted: a claim that landed, whoever learned of it. */
export interface Lease {
  readonly token: string;
  readonly id: string;
  readonly owner: Invocation;
  /** In the owner's clock, as stored: the claim's end, then each landed renewal's. */
  leaseExpiresAt: number;
  /** In the owner's clock: when the lease was last written (the claim's `createdAt`, then each landed renewal's `now`). */
  writtenAt: number;
  /** Whether it completed (the token is on a completed record): the run's result stands for the key. */
  completed: boolean;
  /** Whether its owner's release landed (the record it held is gone). */
  released: boolean;
}

/** A snapshot of one record around a store call, as the real store holds it. */
export interface CallRecord {
  readonly name: string;
  readonly invocation: Invocation | undefined;
  readonly id: string | undefined;
  readonly token: string | undefined;
  /** What the engine sent. */
  readonly args: readonly unknown[];
  readonly before: IdempotencyRecord | undefined;
  readonly after: IdempotencyRecord | undefined;
  /** The answer the call gave (what the engine saw unless the answer was lost). */
  readonly answer: unknown;
  readonly fault: string;
}
