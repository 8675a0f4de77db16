import { TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BusinessWrite, WriteOptions } from '../core/business-write';
import { commitWrites } from '../core/claim/commit-writes';
import type { AtomicCompletionResult, CommitWrites, CompleteRequest, PendingWrite } from '../core/store';
import type { TableLayout } from '../table-layout';
import { atomicCompletionInput, cancellationOutcome, checkTransactionWrites } from './dynamodb-transaction';
import { pendingWrite } from './pending-write';

/** Where a `DynamoDbStore` keeps its records, and the client it sends with: what its transactions need from it. */
export interface DynamoDbRecordTable {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly layout: TableLayout;
}

/**
 * Atomic completion for `DynamoDbStore` (`idem.write`): the handler's writes and the stored result in one
 * `TransactWriteItems`. A capability the handler imports (`lambda-idempotency/dynamodb-transactions`) and passes to
 * the store, so a handler that never writes through `idem.write` bundles none of it, nor `@aws-sdk/util-dynamodb`.
 */
export interface DynamoDbTransactions {
  /** One `idem.write`, checked with the writes collected before it against DynamoDB's transaction limits. */
  collect(
    table: DynamoDbRecordTable,
    id: string,
    collected: readonly PendingWrite[],
    action: BusinessWrite,
    options?: WriteOptions,
  ): PendingWrite;
  /** Completes the record and commits the writes, all or nothing, fenced on the lease token. */
  commit(table: DynamoDbRecordTable, request: CompleteRequest, writes: readonly PendingWrite[]): Promise<AtomicCompletionResult>;
  /** Core's settlement of a claim whose handler wrote, through `commit`: it comes with it, not with every handler. */
  readonly commitWrites: CommitWrites;
}

/**
 * The transactions capability of `DynamoDbStore`:
 * `new DynamoDbStore({ tableName, transactions: dynamoDbTransactions() })`. Needs the peer `@aws-sdk/util-dynamodb`.
 */
export function dynamoDbTransactions(): DynamoDbTransactions {
  return Object.freeze({
    commitWrites,
    collect(table: DynamoDbRecordTable, id: string, collected: readonly PendingWrite[], action: BusinessWrite, options?: WriteOptions) {
      const write = pendingWrite(collected, action, options);
      checkTransactionWrites(table.tableName, id, [...collected, write], table.layout);
      return write;
    },
    async commit(table: DynamoDbRecordTable, request: CompleteRequest, writes: readonly PendingWrite[]): Promise<AtomicCompletionResult> {
      const input = atomicCompletionInput(table.tableName, request, writes, table.layout);
      try {
        await table.client.send(new TransactWriteItemsCommand(input));
        return { completed: true };
      } catch (error) {
        return cancellationOutcome(error, request, writes, table.layout);
      }
    },
  });
}
