import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CLIENT_CONFIG } from '../../lib/local/dynamodb-local';
import { freshIdempotencyTable, localEndpoint, testClient } from './dynamodb';
import { startFaultProxy } from './fault-proxy';

/**
 * The proxy's `latency` option (the bench's realistic network): asked once per request with its operation,
 * and the answer still arrives whole. How long it is held is the bench's to measure, never asserted here.
 */

const direct = testClient();
afterAll(() => direct.destroy());

test('asks the latency once per request, by operation, and still delivers every answer', async () => {
  const tableName = await freshIdempotencyTable(direct);
  const asked: string[] = [];
  const proxy = await startFaultProxy(localEndpoint(), {
    latency: (operation) => {
      asked.push(operation);
      return 1;
    },
  });
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: proxy.endpoint });
  try {
    await client.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: 'a' }, note: { S: 'held, then delivered' } } }));
    const read = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: 'a' } }, ConsistentRead: true }));

    expect(read.Item?.note?.S).toBe('held, then delivered');
    expect(asked).toEqual(['PutItem', 'GetItem']);
    expect(proxy.seen).toEqual({ PutItem: 1, GetItem: 1 });
  } finally {
    client.destroy();
    await proxy.close();
  }
});
