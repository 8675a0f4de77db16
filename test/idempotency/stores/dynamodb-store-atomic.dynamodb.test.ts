import { randomUUID } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoDbStore, tableLayout } from '../../../lib/idempotency/dynamodb';
import { dynamoDbTransactions } from '../../../lib/idempotency/dynamodb-transactions';
import { describeAtomicCompletionContract } from '../../support/atomic-completion-contract';
import { freshIdempotencyTable, scanAll, testClient } from '../../support/dynamodb';
import { freshApplicationTable, SINGLE_TABLE_LAYOUT } from '../../support/single-table';

const client = testClient();
afterAll(() => client.destroy());

describeAtomicCompletionContract('DynamoDbStore on DynamoDB Local', async () => {
  const table = `accounts-${randomUUID()}`;
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const store = new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client, transactions: dynamoDbTransactions() });
  return { store, table, items: async () => (await scanAll(client, table)).map((item) => unmarshall(item)) };
});

describeAtomicCompletionContract('DynamoDbStore on a single-table layout (pk/sk, prefixed attributes)', async () => {
  const table = `accounts-${randomUUID()}`;
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const tableName = await freshApplicationTable(client, { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'ttl' });
  const store = new DynamoDbStore({
    tableName,
    client,
    transactions: dynamoDbTransactions(),
    layout: tableLayout(SINGLE_TABLE_LAYOUT),
  });
  return { store, table, items: async () => (await scanAll(client, table)).map((item) => unmarshall(item)) };
});
