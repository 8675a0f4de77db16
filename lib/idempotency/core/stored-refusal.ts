import { IdempotencyWriteConditionError } from '../errors';
import type { WriteConditionFailure } from './business-write';

// A stored result no handler returns by accident: the key names this library.
const MARK = '__lambdaIdempotencyWriteRefusal';

/**
 * What is stored when a write's condition failed and the write asked for `onConditionFailure: 'store'`:
 * the failed writes' names and codes (not the items they returned, which are the caller's business data).
 */
export function refusalResult(error: IdempotencyWriteConditionError): unknown {
  return { [MARK]: error.failures.map(({ index, name, code, message }) => ({ index, name, code, message })) };
}

/** The refusal a stored result holds, as the error the first caller got; `undefined` for a handler's result. */
export function storedRefusal(result: unknown): IdempotencyWriteConditionError | undefined {
  if (typeof result !== 'object' || result === null || !Array.isArray((result as Record<string, unknown>)[MARK])) return undefined;
  return new IdempotencyWriteConditionError((result as Record<string, WriteConditionFailure[]>)[MARK]!);
}
