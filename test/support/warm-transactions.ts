import { CreateTableCommand, DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
// By relative path: jest's global setup resolves no package names (moduleNameMapper is for the tests), and a
// clean clone has no dist/ for `lambda-idempotency/testing` to resolve to.
import { DYNAMODB_LOCAL_CLIENT_CONFIG } from '../../lib/idempotency/testing';

/**
 * DynamoDB Local's first transactions are slow (about 1.5 s for the first one on a busy 2-core machine, while
 * its JVM loads and compiles that code path), which would eat a duplicate's whole wait in the first test that
 * commits under load. A few throwaway transactions at startup pay that once, before any test is timed.
 */
export async function warmTransactions(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({ ...DYNAMODB_LOCAL_CLIENT_CONFIG, endpoint });
  try {
    const table = 'warm-transactions';
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    for (let i = 0; i < 5; i++) {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { id: { S: `a${i}` } }, ConditionExpression: 'attribute_not_exists(id)' } },
            {
              Update: {
                TableName: table,
                Key: { id: { S: `b${i}` } },
                UpdateExpression: 'SET n = :n',
                ExpressionAttributeValues: { ':n': { N: '1' } },
              },
            },
          ],
          ClientRequestToken: `warm-${i}`,
        }),
      );
    }
  } finally {
    client.destroy();
  }
}
