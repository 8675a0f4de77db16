/** The pure rules of a claim owned by a durable execution: its token, its lease, and what its claim step checkpoints. */

import { createHash } from 'node:crypto';
import type { Begun, Refusal } from '../core/outcome';

/** The most a durable checkpoint (a step's result) holds: 256 KB of serialized JSON. */
export const DURABLE_CHECKPOINT_BYTES = 256 * 1024;

/**
 * The execution's lease token: sha256 of its ARN. Every invocation of one execution (first run, replays, a run
 * after a crash) derives the same token, so the store recognises the execution's own claim; no other execution can.
 */
export function executionLeaseToken(durableExecutionArn: string): string {
  return createHash('sha256')
    .update(JSON.stringify(['durable-lease/v1', durableExecutionArn]))
    .digest('hex');
}

/**
 * The lease of an execution's claim: it outlives every wait of the execution, up to its timeout (Lambda stops the
 * execution then), plus the margin. A failed execution releases it; a stopped or timed-out one frees it at this end.
 */
export function executionLeaseEnd(claimedAt: number, executionTimeoutSeconds: number, leaseMarginMs: number): number {
  return claimedAt + executionTimeoutSeconds * 1000 + leaseMarginMs;
}

/**
 * What the claim step checkpoints: plain JSON, replayed as is by every later invocation of the execution. A refusal
 * (a stored write refusal among them) is already plain JSON.
 */
export type ClaimCheckpoint =
  | { readonly kind: 'claimed'; readonly id: string }
  | { readonly kind: 'replayed'; readonly result: unknown }
  | Refusal;

/**
 * The checkpoint of what `begin` found. A stored result larger than a checkpoint holds (as JSON) cannot be handed
 * through the execution: it counts as unavailable, never as a reason to run again.
 */
export function claimCheckpoint<S>(begun: Begun<S>, maxBytes = DURABLE_CHECKPOINT_BYTES): ClaimCheckpoint {
  switch (begun.kind) {
    case 'claimed':
      return { kind: 'claimed', id: begun.claim.idem.key! };
    case 'replayed': {
      const json = JSON.stringify({ kind: 'replayed', result: begun.result });
      return Buffer.byteLength(json ?? '', 'utf8') <= maxBytes ? { kind: 'replayed', result: begun.result } : { kind: 'unavailable' };
    }
    default:
      return begun;
  }
}
