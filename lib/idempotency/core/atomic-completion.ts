import {
  hasErrorCode,
  ErrorCode,
  IdempotencyLeaseLostError,
  IdempotencyStoreError,
  IdempotencyWriteConditionError,
  IdempotencyWriteInvalidError,
} from '../errors';
import { expirationFrom } from './backoff';
import { writeKind, writeTable, type BusinessWrite, type PendingWrite, type WriteOptions } from './business-write';
import type { ClaimScope } from './claim-settlement';
import { encodeWithCodec } from './codec-port';
import { encodeForStore } from './result-codec';
import type { EncodedResult } from './store';
import { refusalResult } from './stored-refusal';
import { MetricName } from './telemetry';

/** What an atomic commit needs from the claim: its plain completion and release, and the retry rule. */
export interface Settlement {
  complete(result: unknown): Promise<void>;
  release(reason: string): Promise<void>;
  retried<T>(write: () => Promise<T>, retryable: (error: unknown) => boolean): Promise<T>;
}

/**
 * `idem.write`: checks the write and its store at once (the handler learns of a mistake where it makes it),
 * then keeps it for the commit.
 */
export function writeCollector(
  scope: ClaimScope,
  writes: PendingWrite[],
  settled: () => boolean,
): (action: BusinessWrite, options?: WriteOptions) => void {
  return (action, options = {}) => {
    const { store } = scope.options;
    if (settled())
      throw new IdempotencyWriteInvalidError(
        'idem.write was called after the request was completed or released; the write would never be committed.',
      );
    if (typeof store.completeWith !== 'function') {
      throw new IdempotencyWriteInvalidError(
        `idem.write needs a store that commits writes with the result (completeWith), such as DynamoDbStore or MemoryStore; ${store.constructor?.name ?? 'this store'} cannot.`,
      );
    }
    let kind: string;
    try {
      kind = writeKind(action);
    } catch (error) {
      throw new IdempotencyWriteInvalidError(`idem.write: ${(error as Error).message}`);
    }
    const rule = options.onConditionFailure ?? 'release';
    if (rule !== 'release' && rule !== 'store')
      throw new IdempotencyWriteInvalidError(`Expected \`onConditionFailure\` to be 'release' or 'store', got ${JSON.stringify(rule)}`);
    const name = options.name ?? `${kind} ${writeTable(action)} (write ${writes.length + 1})`;
    writes.push({ action, name, marshalled: options.marshalled === true, onConditionFailure: rule });
  };
}

/**
 * The completion and the handler's writes in one store call. Each way it can end leaves the handler's data and
 * the record agreeing: both written, or neither, and the caller is told which (a thrown error when neither).
 */
export async function commitAtomically(
  id: string,
  leaseToken: string,
  result: unknown,
  writes: readonly PendingWrite[],
  scope: ClaimScope,
  settle: Settlement,
): Promise<{ readonly encoded: EncodedResult; readonly expiration: number }> {
  const { options, telemetry } = scope;
  const { store, now } = options;
  const fields = { idempotencyKey: id, writes: writes.length };
  // The writes go only with a stored result: with a codec that fails, neither is written, and the caller is told.
  const coded = await encodeWithCodec(options.codec, result, id, telemetry);
  if (!coded) {
    await settle.release('the codec failed');
    const fault = new IdempotencyStoreError('The codec could not encode the result; nothing was written.', undefined);
    scope.storeFault?.(fault);
    throw fault;
  }
  const encoded = encodeForStore(coded.value, store.maxResultBytes, (error) =>
    telemetry.record(undefined, 'warn', 'The result is not JSON-serialisable, so it cannot be replayed.', {
      ...fields,
      error: String(error),
    }),
  );
  // Built once: every retry sends the same items, as the transaction's idempotency token requires.
  const expiration = expirationFrom(now(), options.expiresAfterSeconds);
  const request = { id, leaseToken, result: encoded, expiration };
  const invalid = (error: unknown) => hasErrorCode(error, ErrorCode.writeInvalid);
  let outcome;
  try {
    outcome = await settle.retried(
      () => store.completeWith!(request, writes),
      (error) => !invalid(error),
    );
  } catch (error) {
    if (invalid(error)) {
      await settle.release('the writes could not be sent');
      throw error;
    }
    const message = error instanceof Error ? error.message : String(error);
    telemetry.record(
      MetricName.storeErrors,
      'error',
      'Committing the writes with the result failed; the record stays in progress until its lease ends.',
      { ...fields, error: message },
    );
    const fault = new IdempotencyStoreError(
      `Could not commit the writes with the result (they may have been committed): ${message}`,
      error,
    );
    scope.storeFault?.(fault);
    throw fault;
  }
  if (outcome.completed) {
    telemetry.record(undefined, 'debug', 'Committed the writes with the result.', fields);
    return { encoded, expiration };
  }
  if (outcome.reason === 'fenced') {
    telemetry.record(
      MetricName.fencingRejections,
      'warn',
      "The lease was taken over before the commit; nothing was written, the new owner's record and data stand.",
      fields,
    );
    throw new IdempotencyLeaseLostError();
  }
  const refusal = new IdempotencyWriteConditionError(outcome.failures);
  const final = outcome.failures.some((failure) => writes[failure.index]?.onConditionFailure === 'store');
  telemetry.record(
    undefined,
    'info',
    `A write's condition failed; nothing was written, and the key is ${final ? 'answered with the refusal from now on' : 'released'}.`,
    { ...fields, failed: refusal.write },
  );
  if (final) await settle.complete(refusalResult(refusal));
  else await settle.release('a write condition failed');
  throw refusal;
}
