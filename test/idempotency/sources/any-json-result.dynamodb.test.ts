import { randomUUID } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { idempotent, type IdempotencyStore } from '../../../lib/idempotency';
import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { dynamoDbTransactions } from '../../../lib/idempotency/dynamodb-transactions';
import { RedisStore } from '../../../lib/idempotency/redis';
import { MemoryStore } from '../../../lib/idempotency/testing';
import { freshIdempotencyTable, scanAll, testClient } from '../../support/dynamodb';
import { lambdaContext } from '../../support/lambda-context';
import { connectClient, uniquePrefix, type TestClient } from '../../support/redis';
import { recordingLogger } from '../../support/silent-logger';

const client = testClient();
let redis: TestClient;
beforeAll(async () => {
  redis = await connectClient('node-redis');
});
afterAll(async () => {
  client.destroy();
  await redis.close();
});

const STORES: [string, () => Promise<IdempotencyStore>][] = [
  ['MemoryStore', async () => new MemoryStore()],
  ['DynamoDbStore', async () => new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client })],
  ['RedisStore', async () => new RedisStore({ client: redis.client, keyPrefix: uniquePrefix() })],
];

describe.each(STORES)('a result carrying __lambdaIdempotencyWriteRefusal on %s', (_name, makeStore) => {
  it('is replayed as the same result every time, never as a write refusal', async () => {
    const store = await makeStore();
    let runs = 0;
    const echo = idempotent(
      async (event: { key: string; body: unknown }) => {
        runs++;
        return event.body;
      },
      { store, key: (event) => event.key, logger: recordingLogger() },
    );
    const event = { key: `k-${randomUUID()}`, body: { __lambdaIdempotencyWriteRefusal: [] } };
    for (let call = 0; call < 3; call++) expect(await echo(event, lambdaContext())).toEqual(event.body);
    expect(runs).toBe(1);
  });
});

describe('transaction limits on DynamoDbStore', () => {
  it('throws at the 100th idem.write, before the handler goes on, and writes nothing', async () => {
    const table = `accounts-${randomUUID()}`;
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const tableName = await freshIdempotencyTable(client);
    const store = new DynamoDbStore({ tableName, client, transactions: dynamoDbTransactions() });
    const sideEffects: string[] = [];
    const handler = idempotent(
      async (_e: unknown, _c, idem) => {
        for (let i = 0; i < 100; i++) idem.write({ Put: { TableName: table, Item: { pk: `item-${i}` } } });
        sideEffects.push('email sent');
      },
      { store, key: () => 'too-many', logger: recordingLogger() },
    );
    await expect(handler({}, lambdaContext())).rejects.toMatchObject({
      code: 'IDEMPOTENCY_WRITE_INVALID',
      message: expect.stringContaining('at most 99 writes'),
    });
    expect(sideEffects).toEqual([]);
    expect((await scanAll(client, table)).map((item) => unmarshall(item))).toEqual([]);
    expect(await scanAll(client, tableName)).toEqual([]);
  });
});
