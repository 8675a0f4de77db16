import { createHash } from 'node:crypto';
import type { AttributeValue, CancellationReason, TransactWriteItem, TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { IdempotencyWriteInvalidError } from '../errors';
import type { AtomicCompletionResult, CompleteRequest, PendingWrite, WriteConditionFailure } from '../core/store';
import { writeKind } from '../core/business-write';
import { DEFAULT_TABLE_LAYOUT, type TableLayout } from '../table-layout';
import { completeInput, recordFromItem, S } from './dynamodb-item';
import { attributeMapBytes } from './dynamodb-size';
import { assertWriteCount, sameItemError, TRANSACTION_LIMITS } from './transaction-limits';

export { TRANSACTION_LIMITS };

type Item = Record<string, AttributeValue>;

/**
 * The idempotency token of the commit: derived from the lease token, so a retry of a transaction whose answer
 * was lost is recognised by DynamoDB (for ten minutes) and succeeds again without writing twice. 36 characters at most.
 */
export function transactionToken(leaseToken: string): string {
  return createHash('sha256').update(`lambda-idempotency complete ${leaseToken}`).digest('hex').slice(0, 36);
}

/**
 * The commit: the handler's writes in order, then the completion, in one `TransactWriteItems`. The completion is
 * fenced on the lease token and on the record still being in progress, so a lost lease commits nothing; a record
 * this very token completed fails the fence too, with the record in the answer (ALL_OLD): that is a retry of a
 * commit that landed, counted as done (`cancellationOutcome`). Limits are checked here, before anything is sent.
 */
export function atomicCompletionInput(
  tableName: string,
  request: CompleteRequest,
  writes: readonly PendingWrite[],
  layout: TableLayout = DEFAULT_TABLE_LAYOUT,
): TransactWriteItemsCommandInput {
  assertWriteCount(writes.length);
  const completion = completeInput(tableName, request, layout);
  const fence: TransactWriteItem = {
    Update: {
      TableName: completion.TableName,
      Key: completion.Key,
      UpdateExpression: completion.UpdateExpression,
      ConditionExpression: `${completion.ConditionExpression} AND #status = :inProgress`,
      ExpressionAttributeNames: completion.ExpressionAttributeNames,
      ExpressionAttributeValues: { ...completion.ExpressionAttributeValues, ':inProgress': S('IN_PROGRESS') },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
  const items = writes.map(marshalled);
  // Keyed actions first, so a put is matched against every key, wherever it stands. Two puts of one item
  // (no key schema known here) are left to DynamoDB, whose ValidationException becomes the same error.
  const keys = new Map<string, string>([[itemIdentity(tableName, completion.Key!), 'the idempotency record']]);
  items.forEach((item, index) => {
    const keyed = item.Update ?? item.Delete ?? item.ConditionCheck;
    if (!keyed) return;
    const identity = itemIdentity(keyed.TableName!, keyed.Key!);
    const earlier = keys.get(identity);
    if (earlier) throw sameItemError(writes[index]!.name, earlier);
    keys.set(identity, `the write ${writes[index]!.name}`);
  });
  let total = attributeMapBytes(completion.Key!) + attributeMapBytes(fence.Update!.ExpressionAttributeValues!);
  items.forEach((item, index) => {
    const name = writes[index]!.name;
    const body = (item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck)!;
    const own = item.Put ? attributeMapBytes(item.Put.Item!) : attributeMapBytes((body as { Key: Item }).Key);
    if (item.Put && own > TRANSACTION_LIMITS.itemBytes)
      throw new IdempotencyWriteInvalidError(
        `The write ${name} puts an item of about ${own} bytes; DynamoDB's limit is ${TRANSACTION_LIMITS.itemBytes}.`,
      );
    total += own + attributeMapBytes(body.ExpressionAttributeValues ?? {});
    const earlier = item.Put && putTarget(item.Put.TableName!, item.Put.Item!, keys);
    if (earlier) throw sameItemError(name, earlier);
  });
  if (total > TRANSACTION_LIMITS.bytes)
    throw new IdempotencyWriteInvalidError(
      `The writes and the result come to about ${total} bytes; a transaction holds at most ${TRANSACTION_LIMITS.bytes}.`,
    );
  return { TransactItems: [...items, fence], ClientRequestToken: transactionToken(request.leaseToken) };
}

/**
 * The checks of `atomicCompletionInput` on the writes collected so far (the result is not known yet, so the
 * total size is checked again at the commit): `idem.write` refuses the write that crosses a limit.
 */
export function checkTransactionWrites(tableName: string, id: string, writes: readonly PendingWrite[], layout: TableLayout): void {
  atomicCompletionInput(tableName, { id, leaseToken: '', result: { encoding: 'undefined' }, expiration: 0 }, writes, layout);
}

/**
 * What a cancelled commit means, from DynamoDB's reasons (one per action, in order): fenced, a retry of this token
 * that landed, or the handler's own conditions failing. Conflicts and throttling rethrow `error`: a fault, retried.
 */
export function cancellationOutcome(
  error: unknown,
  request: CompleteRequest,
  writes: readonly PendingWrite[],
  layout: TableLayout = DEFAULT_TABLE_LAYOUT,
): AtomicCompletionResult {
  const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons;
  if ((error as { name?: string }).name === 'ValidationException')
    throw new IdempotencyWriteInvalidError(`DynamoDB refused the writes: ${(error as Error).message}`, error);
  if ((error as { name?: string }).name !== 'TransactionCanceledException' || !reasons) throw error;
  const completion = reasons[writes.length];
  if (completion?.Code === 'ConditionalCheckFailed') {
    const record = recordFromItem(completion.Item, layout);
    if (record?.status === 'COMPLETED' && record.leaseToken === request.leaseToken) return { completed: true };
    return { completed: false, reason: 'fenced' };
  }
  const codes = reasons.map((reason) => reason.Code ?? 'None');
  const invalid = codes.findIndex((code) => code === 'ValidationError');
  if (invalid >= 0)
    throw new IdempotencyWriteInvalidError(
      `DynamoDB refused ${writes[invalid]?.name ?? 'the completion'}: ${reasons[invalid]?.Message}`,
      error,
    );
  if (codes.some((code) => code !== 'None' && code !== 'ConditionalCheckFailed')) throw error; // TransactionConflict, throttling: retried
  const failures: WriteConditionFailure[] = [];
  reasons.slice(0, writes.length).forEach((reason, index) => {
    if (reason.Code !== 'ConditionalCheckFailed') return;
    failures.push({
      index,
      name: writes[index]!.name,
      code: reason.Code,
      message: reason.Message,
      item: reason.Item && unmarshall(reason.Item),
    });
  });
  if (failures.length === 0) throw error;
  return { completed: false, reason: 'condition-failed', failures };
}

/** A write in the client's form: document values marshalled; an attribute-value write as it is. */
function marshalled(write: PendingWrite): TransactWriteItem {
  const kind = writeKind(write.action);
  const body = write.action[kind] as unknown as Record<string, unknown>;
  if (write.marshalled) return { [kind]: body } as TransactWriteItem;
  try {
    const out: Record<string, unknown> = { ...body };
    for (const field of ['Item', 'Key', 'ExpressionAttributeValues']) {
      if (body[field] !== undefined) out[field] = marshall(body[field] as Record<string, unknown>);
    }
    return { [kind]: out } as TransactWriteItem;
  } catch (error) {
    throw new IdempotencyWriteInvalidError(`The write ${write.name} cannot be marshalled: ${(error as Error).message}`, error);
  }
}

/** The identity of one item: its table and key, whatever order the key's attributes come in. */
function itemIdentity(table: string, key: Item): string {
  return JSON.stringify([table, Object.entries(key).sort(([a], [b]) => (a < b ? -1 : 1))]);
}

/** A put names no key: it is the item of any known key (of the same table) whose attributes it carries. */
function putTarget(table: string, item: Item, known: Map<string, string>): string | undefined {
  for (const [identity, holder] of known) {
    const [keyTable, entries] = JSON.parse(identity) as [string, [string, AttributeValue][]];
    if (keyTable === table && entries.every(([name, value]) => JSON.stringify(item[name]) === JSON.stringify(value))) return holder;
  }
  return undefined;
}
