import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LEDGER_PARTITION_KEY, LEDGER_SORT_KEY } from '../../lambda/payment/ledger-schema';

// The package's own, as a user's tests create it.
export { createIdempotencyTable } from 'lambda-idempotency/testing';

/** Creates the example's payment ledger table as the CDK stack does: `pk` and `sk` strings. */
export async function createLedgerTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: LEDGER_PARTITION_KEY, AttributeType: 'S' },
        { AttributeName: LEDGER_SORT_KEY, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: LEDGER_PARTITION_KEY, KeyType: 'HASH' },
        { AttributeName: LEDGER_SORT_KEY, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
