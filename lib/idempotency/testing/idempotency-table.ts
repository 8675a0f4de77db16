import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PARTITION_KEY, TTL_ATTRIBUTE } from '../schema';

/**
 * Creates an idempotency table as the `IdempotencyTable` construct lays it out: partition key `id`
 * (string), TTL on `expiration`, on-demand. For DynamoDB Local in tests; deploy real tables with CDK.
 */
export async function createIdempotencyTable(client: DynamoDBClient, tableName: string): Promise<void> {
  // Loaded here, not at the top: importing `lambda-idempotency/testing` for MemoryStore loads no SDK.
  const { CreateTableCommand, UpdateTimeToLiveCommand } = await import('@aws-sdk/client-dynamodb');
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: PARTITION_KEY, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }),
  );
}
