import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';

/**
 * The one place the bench builds a store that accepts `idem.write` (atomic completion in one
 * `TransactWriteItems`). Once atomic completion is an opt-in entry, point this at it:
 * `new DynamoDbStore({ tableName, client, transactions: dynamoDbTransactions() })`.
 */
export function transactionalStore(tableName: string, client: DynamoDBClient): DynamoDbStore {
  return new DynamoDbStore({ tableName, client });
}
