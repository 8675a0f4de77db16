import { randomUUID } from 'node:crypto';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localClient } from '../../lib/local/dynamodb-local';
import { createIdempotencyTable } from '../../lib/idempotency/testing';

/** The DynamoDB Local endpoint global-setup started for this run. */
export function localEndpoint(): string {
  const endpoint = process.env.DYNAMODB_LOCAL_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_LOCAL_ENDPOINT is not set: run the tests through jest (global-setup starts DynamoDB Local)');
  return endpoint;
}

/** A client for this run's DynamoDB Local. */
export function testClient(): DynamoDBClient {
  return localClient(localEndpoint());
}

/** A fresh idempotency table in DynamoDB Local, so test files never share state. */
export async function freshIdempotencyTable(client: DynamoDBClient, prefix = 'idempotency'): Promise<string> {
  const tableName = `${prefix}-${randomUUID()}`;
  await createIdempotencyTable(client, tableName);
  return tableName;
}

/** Every item of a table, as stored. */
export async function scanAll(client: DynamoDBClient, tableName: string) {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
  return Items;
}
