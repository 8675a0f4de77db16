import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { dynamoDbTransactions } from 'lambda-idempotency/dynamodb-transactions';

/**
 * The one place the bench builds a store that accepts `idem.write` (atomic completion in one
 * `TransactWriteItems`): a user's handler imports the capability the same way.
 */
export function transactionalStore(tableName: string, client: DynamoDBClient): DynamoDbStore {
  return new DynamoDbStore({ tableName, client, transactions: dynamoDbTransactions() });
}
