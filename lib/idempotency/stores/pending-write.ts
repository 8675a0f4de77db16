import { IdempotencyWriteInvalidError } from '../errors';
import { writeKind, writeTable, type BusinessWrite, type PendingWrite, type WriteOptions } from '../core/business-write';

/**
 * One `idem.write` as a store with transactions keeps it: the write checked (one action, its table and key), its
 * rule checked, and its name given. Only stores that commit writes import this, so a handler whose store has no
 * transactions bundles none of it.
 */
export function pendingWrite(collected: readonly PendingWrite[], action: BusinessWrite, options: WriteOptions = {}): PendingWrite {
  let kind: string;
  try {
    kind = writeKind(action);
  } catch (error) {
    throw new IdempotencyWriteInvalidError(`idem.write: ${(error as Error).message}`);
  }
  const rule = options.onConditionFailure ?? 'release';
  if (rule !== 'release' && rule !== 'store')
    throw new IdempotencyWriteInvalidError(`Expected \`onConditionFailure\` to be 'release' or 'store', got ${JSON.stringify(rule)}`);
  const name = options.name ?? `${kind} ${writeTable(action)} (write ${collected.length + 1})`;
  return { action, name, marshalled: options.marshalled === true, onConditionFailure: rule };
}
