import type { AtomicCompletionResult, PendingWrite } from '../business-write';
import type { Settled } from '../outcome';
import type { CompleteRequest, EncodedResult } from '../store';
import { encodeRefusal } from '../result-codec';

/**
 * What a claim's settlement writes, decided purely (no store, no clock); `settlement.ts` sends it. Room is left
 * for a lease renewal (`renew`), decided and sent the same way.
 */
export type Verdict =
  /** The result alone, fenced on the lease token. */
  | { readonly send: 'complete'; readonly request: CompleteRequest }
  /** The result and the handler's writes in one transaction, fenced on the lease token. */
  | { readonly send: 'commit'; readonly request: CompleteRequest; readonly writes: readonly PendingWrite[] }
  /** The record deleted, so a retry runs. */
  | { readonly send: 'release'; readonly reason: string };

/** How to complete: a commit when the handler made writes (they go only with a final result), else a plain completion. */
export function completionVerdict(
  id: string,
  leaseToken: string,
  result: EncodedResult,
  expiration: number,
  writes: readonly PendingWrite[],
): Verdict {
  const request = { id, leaseToken, result, expiration };
  return writes.length > 0 ? { send: 'commit', request, writes } : { send: 'complete', request };
}

/**
 * What a commit that wrote nothing means, and what to write next: a lost lease leaves the new owner's record
 * alone; a failed write condition stores the refusal as the key's answer when one of the failed writes asked
 * for it (`onConditionFailure: 'store'`), else releases the key.
 */
export function refusedCommitVerdict(
  outcome: Exclude<AtomicCompletionResult, { completed: true }>,
  request: CompleteRequest,
  writes: readonly PendingWrite[],
): { readonly settled: Exclude<Settled, { kind: 'completed' }>; readonly then?: Exclude<Verdict, { send: 'commit' }> } {
  if (outcome.reason === 'fenced') return { settled: { kind: 'lease-lost' } };
  const { failures } = outcome;
  const final = failures.some((failure) => writes[failure.index]?.onConditionFailure === 'store');
  return {
    settled: { kind: 'write-refused', failures },
    then: final
      ? { send: 'complete', request: { ...request, result: encodeRefusal(failures) } }
      : { send: 'release', reason: 'a write condition failed' },
  };
}
