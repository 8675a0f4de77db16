import { randomUUID } from 'node:crypto';
import { CreateTableCommand, UpdateTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableLayoutOptions } from '../../lib/idempotency/table-layout';

/** The key and TTL names of an existing application table (a single-table design). */
export interface ApplicationTableShape {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly ttlAttribute: string;
}

/**
 * A fresh application table in DynamoDB Local, shaped as a team's own single-table design would be:
 * generic string keys and TTL on an attribute of its own choosing, created without this library's help.
 * `ttl: false` leaves TTL off until `enableTimeToLive`: DynamoDB Local does delete expired items (about every
 * 10 s when idle), and a test on a fixed clock in the past of the real one would see its records vanish mid-test.
 */
export async function freshApplicationTable(client: DynamoDBClient, shape: ApplicationTableShape, { ttl = true } = {}): Promise<string> {
  const tableName = `app-${randomUUID()}`;
  const keys = [shape.partitionKey, ...(shape.sortKey ? [shape.sortKey] : [])];
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: keys.map((name, i) => ({ AttributeName: name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  if (ttl) await enableTimeToLive(client, tableName, shape.ttlAttribute);
  return tableName;
}

/** Turns on the table's TTL on `attribute`: from then on DynamoDB (Local too) deletes items whose value is past. */
export async function enableTimeToLive(client: DynamoDBClient, tableName: string, attribute: string): Promise<void> {
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: attribute, Enabled: true } }),
  );
}

/**
 * The layout of docs/existing-tables.md's example: `pk`/`sk`, TTL on `ttl`, every library attribute prefixed. The
 * function's `tableLayout` and the CDK grant take the same options, so one constant serves both.
 */
export const SINGLE_TABLE_LAYOUT = {
  partitionKey: 'pk',
  partitionKeyValue: 'IDEMPOTENCY#{id}',
  sortKey: 'sk',
  sortKeyValue: 'IDEMPOTENCY',
  ttlAttribute: 'ttl',
  attributePrefix: 'idem_',
} as const satisfies TableLayoutOptions;
