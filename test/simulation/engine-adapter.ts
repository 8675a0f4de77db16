/**
 * Every place the simulator touches something other than the public wrappers and the store port: atomic
 * completion (which stores have it, the handler's ledger write, reading the ledger back), the engine's real
 * timers (the bounded read's `AbortSignal.timeout`; the lease keeper's `leaseTimer`, an engine option, is set in
 * invocations.ts), the local cache (for its mutant) and each store's records (the TTL sweep). Kept in this one file so a change of the engine's internals or of the atomic
 * completion capability is re-pointed here, and nowhere else.
 */
import { DeleteItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { IdempotencyContext, IdempotencyRecord, IdempotencyStore } from 'lambda-idempotency';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { dynamoDbTransactions } from 'lambda-idempotency/dynamodb-transactions';
import { MemoryStore } from 'lambda-idempotency/testing';
import { LocalCache } from '../../lib/idempotency/core/local-cache';

import { PARTITION_KEY, TTL_ATTRIBUTE } from '../../lib/idempotency/schema';

/** The claim rule the stores share (the stale-snapshot mutant reads it; the package does not export it). */
export { isClaimable } from '../../lib/idempotency/core/store';

/** The business table the simulated handlers write with their result. */
export const LEDGER_TABLE = 'ledger';

/** One ledger item: the key it belongs to and the run that wrote it. */
export interface LedgerItem {
  readonly pk: string;
  readonly sk: string;
}

/** A memory store that commits `idem.write` to its `ledger` table. */
export function memoryStoreWithLedger(): MemoryStore {
  return new MemoryStore({ tables: { [LEDGER_TABLE]: ['pk', 'sk'] } });
}

/** A DynamoDB store whose completion can commit the handler's writes: the capability a handler imports and passes. */
export function dynamoDbStoreWithTransactions(client: DynamoDBClient, tableName: string): DynamoDbStore {
  return new DynamoDbStore({ tableName, client, transactions: dynamoDbTransactions() });
}

/** Whether `store` commits the handler's writes with the result (the engine's own test: both halves of the capability). */
export function hasAtomicCompletion(store: IdempotencyStore): boolean {
  return typeof store.completeWith === 'function' && typeof store.collectWrite === 'function';
}

/** A lease keeper's renewal, as the store port takes it (the package exports the port, not this request's name). */
export type RenewRequest = Parameters<NonNullable<IdempotencyStore['renew']>>[0];

/**
 * The store methods that are no I/O: `idem.write`'s synchronous check. They are not scheduling points, and the
 * scheduling store passes them through as they are.
 */
export const LOCAL_STORE_METHODS: ReadonlySet<string> = new Set(['collectWrite']);

/** The handler's ledger write, committed with its result (or not at all). */
export function writeLedger(idem: IdempotencyContext, table: string, runTag: string): void {
  idem.write({ Put: { TableName: table, Item: { pk: idem.key, sk: runTag } } });
}

/** The ledger items a memory store committed. */
export function memoryLedger(store: MemoryStore): LedgerItem[] {
  return store.items(LEDGER_TABLE) as unknown as LedgerItem[];
}

/** The ledger items of `ids` in a DynamoDB ledger table. */
export async function dynamoDbLedger(client: DynamoDBClient, table: string, ids: ReadonlySet<string>): Promise<LedgerItem[]> {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return Items.map((item) => unmarshall(item) as LedgerItem).filter((item) => ids.has(item.pk));
}

/** TTL deletion of one memory record, if it has expired by `nowMs` (DynamoDB's sweep, at a moment of the schedule's choosing). */
export function expireMemoryRecord(store: MemoryStore, id: string, nowMs: number): boolean {
  const records = (store as unknown as { records: Map<string, IdempotencyRecord> }).records;
  const record = records.get(id);
  if (!record || record.expiration >= Math.floor(nowMs / 1000)) return false;
  return records.delete(id);
}

/** TTL deletion of one DynamoDB record (default layout), if it has expired by `nowMs`. */
export async function expireDynamoDbRecord(client: DynamoDBClient, tableName: string, id: string, nowMs: number): Promise<boolean> {
  try {
    await client.send(
      new DeleteItemCommand({
        TableName: tableName,
        Key: { [PARTITION_KEY]: { S: id } },
        ConditionExpression: '#expiration < :now',
        ExpressionAttributeNames: { '#expiration': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':now': { N: String(Math.floor(nowMs / 1000)) } },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * Makes `AbortSignal.timeout` (the engine's bound on a waiting duplicate's read) follow the virtual clock:
 * `schedule(ms, fire)` fires it when the schedule reaches that time. Returns the undo.
 */
export function virtualAbortTimeouts(schedule: (ms: number, fire: () => void) => void): () => void {
  const original = AbortSignal.timeout;
  AbortSignal.timeout = (ms: number) => {
    const controller = new AbortController();
    schedule(ms, () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')));
    return controller.signal;
  };
  return () => {
    AbortSignal.timeout = original;
  };
}

/**
 * The cache mutant: a warm container answers a key from the record it cached for another key (the most
 * recently cached one). The engine has no cache seam, so the prototype is patched; returns the undo.
 */
export function cacheReplaysAnotherKey(): () => void {
  const original = LocalCache.prototype.get;
  LocalCache.prototype.get = function (this: LocalCache, id: string, now: number) {
    const own = original.call(this, id, now);
    const records = (this as unknown as { records: Map<string, ReturnType<typeof original>> }).records;
    const other = [...records.values()].reverse().find((record) => record && record.id !== id);
    return other ?? own;
  };
  return () => {
    LocalCache.prototype.get = original;
  };
}
