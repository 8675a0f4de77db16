import { ErrorCode, hasErrorCode } from '../../errors';
import type { CommitWrites } from '../store';
import { refusedCommitVerdict } from './settlement-verdict';
import { errorMessage } from '../error-message';

/**
 * The settlement of a claim whose handler wrote through `idem.write`: the result and the writes in one atomic write
 * (`completeWith`), retried as a completion is. Writes the store cannot send release the key and throw; a fault is
 * thrown, since the writes may or may not have landed; a refusal (a failed write condition, a lost lease) is answered
 * as its verdict says. The store that commits writes brings it (`StoreCapabilities`), so other handlers bundle none of it.
 */
export const commitWrites: CommitWrites = async (request, writes, settlement) => {
  const { telemetry } = settlement;
  const at = { ...settlement.fields, writes: writes.length };
  const invalid = (error: unknown) => hasErrorCode(error, ErrorCode.writeInvalid);
  let outcome;
  try {
    outcome = await settlement.retried(
      () => settlement.store.completeWith!(request, writes),
      (error) => !invalid(error),
    );
  } catch (error) {
    if (!invalid(error)) {
      telemetry.event('commitFailed', { ...at, error: errorMessage(error) });
      settlement.reopen();
      throw settlement.storeFault('commit the writes with the result (they may have been committed)', error);
    }
    await settlement.release('the writes could not be sent');
    throw error;
  }
  if (outcome.completed) {
    telemetry.event('committed', at);
    settlement.remember(request);
    return { kind: 'completed' };
  }
  const { settled: refusal, then } = refusedCommitVerdict(outcome, request, writes);
  if (refusal.kind === 'lease-lost') telemetry.event('fenced', { ...at, step: 'the commit' });
  else {
    const answer = then?.send === 'complete' ? 'answered with the refusal from now on' : 'released';
    telemetry.event('writeRefused', { ...at, failed: refusal.failures[0]?.name, then: answer });
  }
  if (then) await (then.send === 'complete' ? settlement.complete(then.request) : settlement.release(then.reason));
  return refusal;
};
