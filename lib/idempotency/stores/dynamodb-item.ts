import type {
  AttributeValue,
  DeleteItemCommandInput,
  GetItemCommandInput,
  PutItemCommandInput,
  UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { ClaimRequest, CompleteRequest, EncodedResult, IdempotencyRecord, RenewRequest } from '../core/store';
import { DEFAULT_TABLE_LAYOUT, idFromPartitionValue, keyValues, type TableLayout } from '../table-layout';

/**
 * The largest encoded result one item holds: DynamoDB's 400 KB item limit (names and values),
 * less generous room for the record's other attributes (about 300 bytes in practice).
 */
export const DYNAMODB_MAX_RESULT_BYTES = 400 * 1024 - 4 * 1024;

type Item = Record<string, AttributeValue>;

/** A string attribute value: one of the two shapes every input builds, made in one place. */
export const S = (value: string): AttributeValue => ({ S: value });
/** A number attribute value: DynamoDB takes numbers as their decimal string. */
export const N = (value: number): AttributeValue => ({ N: String(value) });

// Attribute names go through placeholders: `status` and `ttl` are DynamoDB reserved words, and so may others become.
// DynamoDB rejects placeholders an expression does not use, so each builder lists its own.
/** The placeholders `#name` of an expression, each mapped to the attribute the layout names. */
export const names = (layout: TableLayout, ...placeholders: (keyof TableLayout['attributes'])[]) =>
  Object.fromEntries(placeholders.map((name) => [`#${name}`, layout.attributes[name]]));

/** The record's key: the partition key (and sort key) values the layout makes of the hashed id. */
export function keyOf(layout: TableLayout, id: string): Item {
  const key: Item = {};
  for (const [name, value] of Object.entries(keyValues(layout, id))) key[name] = S(value);
  return key;
}

/**
 * Claim: one conditional PutItem. It succeeds only where the key is free:
 *
 *   absent                      attribute_not_exists(id)  id: the partition key, whatever the table names it
 *   expired, not yet swept      expiration < now (s)      DynamoDB deletes expired items up to days late
 *   crashed / timed-out owner   IN_PROGRESS and leaseExpiresAt < now (ms)
 *
 * On failure DynamoDB returns the holder (ALL_OLD), so a duplicate learns what to do in the same round trip;
 * on success it returns what was overwritten, if anything, which tells a lease takeover apart.
 */
export function claimInput(tableName: string, request: ClaimRequest, layout: TableLayout = DEFAULT_TABLE_LAYOUT): PutItemCommandInput {
  const A = layout.attributes;
  const item: Item = {
    ...keyOf(layout, request.id),
    [A.status]: S('IN_PROGRESS'),
    [A.leaseToken]: S(request.leaseToken),
    [A.leaseExpiresAt]: N(request.leaseExpiresAt),
    [A.expiration]: N(request.expiration),
    [A.createdAt]: N(request.now),
  };
  if (request.fingerprint !== undefined) item[A.fingerprint] = S(request.fingerprint);
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(#id) OR #expiration < :nowSeconds OR (#status = :inProgress AND #leaseExpiresAt < :nowMs)',
    ExpressionAttributeNames: names(layout, 'id', 'expiration', 'status', 'leaseExpiresAt'),
    ExpressionAttributeValues: {
      ':nowSeconds': N(Math.floor(request.now / 1000)),
      ':nowMs': N(request.now),
      ':inProgress': S('IN_PROGRESS'),
    },
    ReturnValues: 'ALL_OLD',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/** A strongly consistent read: a duplicate must see a completion that has just been written. */
export function getInput(tableName: string, id: string, layout: TableLayout = DEFAULT_TABLE_LAYOUT): GetItemCommandInput {
  return { TableName: tableName, Key: keyOf(layout, id), ConsistentRead: true };
}

/**
 * Complete: fenced on the lease token. An invocation whose lease was taken over (it ran too long)
 * fails this condition and leaves the new owner's record alone. The token stays on the completed record,
 * so the SDK's retry of a completion that landed (its answer lost) passes the same fence and writes the same values.
 */
export function completeInput(
  tableName: string,
  request: CompleteRequest,
  layout: TableLayout = DEFAULT_TABLE_LAYOUT,
): UpdateItemCommandInput {
  const values: Item = {
    ':completed': S('COMPLETED'),
    ':expiration': N(request.expiration),
    ':encoding': S(request.result.encoding),
    ':mine': S(request.leaseToken),
  };
  let set = '#status = :completed, #expiration = :expiration, #resultEncoding = :encoding';
  const remove = ['#leaseExpiresAt'];
  if (request.result.encoding === 'json' || request.result.encoding === 'write-refused') {
    values[':result'] = S(request.result.data);
    set += ', #result = :result';
  } else if (request.result.encoding === 'json-gzip') {
    values[':result'] = { B: request.result.data };
    set += ', #result = :result';
  } else {
    remove.push('#result');
  }
  return {
    TableName: tableName,
    Key: keyOf(layout, request.id),
    UpdateExpression: `SET ${set} REMOVE ${remove.join(', ')}`,
    ConditionExpression: '#leaseToken = :mine',
    ExpressionAttributeNames: names(layout, 'status', 'expiration', 'resultEncoding', 'result', 'leaseToken', 'leaseExpiresAt'),
    ExpressionAttributeValues: values,
  };
}

/**
 * Release: delete the claim so a retry runs, fenced on the lease token like completion. An absent record
 * passes: it is what the SDK's retry of a release that landed finds.
 */
export function releaseInput(
  tableName: string,
  id: string,
  leaseToken: string,
  layout: TableLayout = DEFAULT_TABLE_LAYOUT,
): DeleteItemCommandInput {
  return {
    TableName: tableName,
    Key: keyOf(layout, id),
    ConditionExpression: 'attribute_not_exists(#id) OR #leaseToken = :mine',
    ExpressionAttributeNames: names(layout, 'id', 'leaseToken'),
    ExpressionAttributeValues: { ':mine': S(leaseToken) },
  };
}

/**
 * Renew: move the caller's own lease forward, fenced like completion and only while the record is in progress
 * (a completed or taken-over record is never touched). `leaseExpiresAt < :lease` keeps a lease from moving back:
 * a late duplicate of an earlier renewal fails the condition, and the store then reads its own token and a lease
 * at or past the asked end as renewed. The expiration moves with it, so a record outlives any live handler.
 */
export function renewInput(tableName: string, request: RenewRequest, layout: TableLayout = DEFAULT_TABLE_LAYOUT): UpdateItemCommandInput {
  return {
    TableName: tableName,
    Key: keyOf(layout, request.id),
    UpdateExpression: 'SET #leaseExpiresAt = :lease, #expiration = :expiration',
    ConditionExpression: '#status = :inProgress AND #leaseToken = :mine AND #leaseExpiresAt < :lease',
    ExpressionAttributeNames: names(layout, 'leaseExpiresAt', 'expiration', 'status', 'leaseToken'),
    ExpressionAttributeValues: {
      ':lease': N(request.leaseExpiresAt),
      ':expiration': N(request.expiration),
      ':inProgress': S('IN_PROGRESS'),
      ':mine': S(request.leaseToken),
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/** Reads a stored item back into a record; `undefined` for an item that is not a record of this library. */
export function recordFromItem(item: Item | undefined, layout: TableLayout = DEFAULT_TABLE_LAYOUT): IdempotencyRecord | undefined {
  if (!item) return undefined;
  const A = layout.attributes;
  const id = idFromPartitionValue(layout, item[A.id]?.S);
  const expiration = Number(item[A.expiration]?.N);
  const createdAt = Number(item[A.createdAt]?.N ?? 0);
  const fingerprint = item[A.fingerprint]?.S;
  const status = item[A.status]?.S;
  if (id === undefined || !Number.isFinite(expiration)) return undefined;
  if (status === 'IN_PROGRESS') {
    const leaseToken = item[A.leaseToken]?.S ?? '';
    const leaseExpiresAt = Number(item[A.leaseExpiresAt]?.N ?? 0);
    return { id, status, expiration, leaseToken, leaseExpiresAt, fingerprint, createdAt };
  }
  if (status === 'COMPLETED')
    return { id, status, expiration, leaseToken: item[A.leaseToken]?.S, fingerprint, result: resultFromItem(item, A), createdAt };
  return undefined;
}

/** A stored result read back from an item (a record's, or a step's). */
export function resultFromItem(item: Item, A: TableLayout['attributes']): EncodedResult {
  const encoding = item[A.resultEncoding]?.S;
  const stored = item[A.result];
  if ((encoding === 'json' || encoding === 'write-refused') && stored?.S !== undefined) return { encoding, data: stored.S };
  if (encoding === 'json-gzip' && stored?.B !== undefined) return { encoding, data: stored.B };
  if (encoding === 'undefined') return { encoding };
  return { encoding: 'omitted' };
}
