import { randomUUID } from 'node:crypto';
import { DescribeTimeToLiveCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { idempotent } from '../../../lib/idempotency';
import { DynamoDbStore, dynamoDbSteps, tableLayout } from '../../../lib/idempotency/dynamodb';
import { scopedId } from '../../../lib/idempotency/core/scoped-key';
import { scanAll, testClient } from '../../support/dynamodb';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';
import { enableTimeToLive, freshApplicationTable, SINGLE_TABLE_LAYOUT } from '../../support/single-table';
import { describeStepContract, describeStoreContract } from '../../support/store-contract';

const client = testClient();
afterAll(() => client.destroy());

// The real clock, so the records' `ttl` values lie in the future and no TTL sweep removes them mid-test.
const REAL_NOW = Date.now();
const inSeconds = (ms: number) => String(Math.floor(ms / 1000));

// The application's own items, with attribute names the library also uses unprefixed (status, leaseToken, ttl),
// one whose sort key value is the idempotency items' own, and one expiring (a day from now) on the same TTL.
const BUSINESS_ITEMS: Record<string, AttributeValue>[] = [
  { pk: { S: 'CUSTOMER#42' }, sk: { S: 'PROFILE' }, name: { S: 'Ada' }, status: { S: 'ACTIVE' } },
  { pk: { S: 'CUSTOMER#42' }, sk: { S: 'ORDER#7' }, total: { N: '1000' }, status: { S: 'IN_PROGRESS' }, leaseToken: { S: 'not-ours' } },
  { pk: { S: 'ORDER#7' }, sk: { S: 'IDEMPOTENCY' }, note: { S: 'a business item that shares the sort key value' } },
  { pk: { S: 'SESSION#9' }, sk: { S: 'SESSION' }, ttl: { N: inSeconds(REAL_NOW + 86_400_000) }, status: { S: 'COMPLETED' } },
];

describe('a single table with pk/sk, TTL on `ttl`, prefixed attributes, holding business items too', () => {
  let tableName: string;
  beforeAll(async () => {
    // TTL comes on after the contract: its fixed clock lies in the real past, and DynamoDB Local's TTL sweeper
    // (it does delete, at a rate shared by every table of the run, so no test can wait on it) would race its assertions.
    tableName = await freshApplicationTable(client, { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'ttl' }, { ttl: false });
    for (const item of BUSINESS_ITEMS) await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
  });

  describeStoreContract(
    'DynamoDbStore on a single table (pk = IDEMPOTENCY#<id>, sk = IDEMPOTENCY)',
    () => new DynamoDbStore({ tableName, client, layout: tableLayout(SINGLE_TABLE_LAYOUT) }),
  );

  describe('beside the business items, with TTL on', () => {
    const RETENTION_S = 3_600;
    let clock = REAL_NOW;
    const runs: string[] = [];
    const operation = `orders-${randomUUID()}`;
    const recordKey = (key: string) => ({ pk: { S: `IDEMPOTENCY#${scopedId(operation, undefined, key)}` }, sk: { S: 'IDEMPOTENCY' } });
    const handler = () =>
      idempotent(
        async (event: { key: string; fail?: boolean }) => {
          runs.push(event.key);
          if (event.fail) throw new Error('declined');
          return { charged: event.key };
        },
        {
          store: new DynamoDbStore({ tableName, client, layout: tableLayout(SINGLE_TABLE_LAYOUT) }),
          operation,
          key: (event) => event.key,
          expiresAfterSeconds: RETENTION_S,
          now: () => clock,
          logger: recordingLogger(),
        },
      );
    const runsOf = (key: string) => runs.filter((run) => run === key).length;
    const businessItems = async () =>
      sortByKey((await scanAll(client, tableName)).filter((item) => !item.pk!.S!.startsWith('IDEMPOTENCY#')));

    beforeAll(() => enableTimeToLive(client, tableName, 'ttl'));

    it('runs each key once, replays, releases a failure, and leaves every business item as it was', async () => {
      const wrapped = handler();
      const context = lambdaContext();
      await Promise.all(
        ['a', 'b', 'c']
          .flatMap((key) => [wrapped({ key }, context), wrapped({ key }, context)])
          .map((call) => call.catch((error: unknown) => error)),
      );
      expect(await wrapped({ key: 'a' }, context)).toEqual({ charged: 'a' });
      await expect(wrapped({ key: 'declined', fail: true }, context)).rejects.toThrow('declined');
      await expect(wrapped({ key: 'declined', fail: true }, context)).rejects.toThrow('declined');
      expect([runsOf('a'), runsOf('b'), runsOf('c'), runsOf('declined')]).toEqual([1, 1, 1, 2]);
      expect(await businessItems()).toEqual(sortByKey(BUSINESS_ITEMS));
    });

    it("stores each record under its own partition key, expiring on the table's TTL attribute, with nothing unprefixed", async () => {
      const items = await scanAll(client, tableName);
      for (const key of ['a', 'b', 'c']) {
        const item = items.find((candidate) => candidate.pk!.S === recordKey(key).pk.S);
        expect(item).toMatchObject({
          sk: { S: 'IDEMPOTENCY' },
          idem_status: { S: 'COMPLETED' },
          ttl: { N: inSeconds(REAL_NOW + RETENTION_S * 1000) },
        });
        expect(Object.keys(item!).filter((name) => !['pk', 'sk', 'ttl'].includes(name) && !name.startsWith('idem_'))).toEqual([]);
      }
      const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
      expect(TimeToLiveDescription).toMatchObject({ AttributeName: 'ttl', TimeToLiveStatus: 'ENABLED' });
    });

    it("treats a record past the table's TTL attribute as expired before DynamoDB deletes it, so the key runs again", async () => {
      clock = REAL_NOW + (RETENTION_S + 1) * 1000;
      const wrapped = handler();
      expect(await wrapped({ key: 'b' }, lambdaContext())).toEqual({ charged: 'b' });
      expect(runsOf('b')).toBe(2);
      clock += 1000;
      expect(await wrapped({ key: 'b' }, lambdaContext())).toEqual({ charged: 'b' });
      expect(runsOf('b')).toBe(2);
    });

    it('leaves the business items exactly as they were after the whole contract and these runs', async () => {
      expect(await businessItems()).toEqual(sortByKey(BUSINESS_ITEMS));
    });
  });
});

describe('a table with a partition key alone, named PK, TTL on expiresAt, no prefix', () => {
  describeStoreContract('DynamoDbStore on a PK-only table (PK = IDEM#<id>#v1)', async () => {
    const tableName = await freshApplicationTable(client, { partitionKey: 'PK', ttlAttribute: 'expiresAt' }, { ttl: false });
    return new DynamoDbStore({
      tableName,
      client,
      layout: tableLayout({ partitionKey: 'PK', partitionKeyValue: 'IDEM#{id}#v1', ttlAttribute: 'expiresAt' }),
    });
  });
  describeStepContract('DynamoDbStore on a PK-only table (PK = IDEM#<id>#v1)', async () => {
    const tableName = await freshApplicationTable(client, { partitionKey: 'PK', ttlAttribute: 'expiresAt' }, { ttl: false });
    return new DynamoDbStore({
      tableName,
      client,
      layout: tableLayout({ partitionKey: 'PK', partitionKeyValue: 'IDEM#{id}#v1', ttlAttribute: 'expiresAt' }),
      steps: dynamoDbSteps(),
    });
  });
});

describe('a table whose sort key repeats the id (PK = IDEM#<id>, SK = IDEM#<id>), TTL on a reserved word', () => {
  describeStoreContract('DynamoDbStore on a PK/SK table with the id in both keys', async () => {
    const tableName = await freshApplicationTable(client, { partitionKey: 'PK', sortKey: 'SK', ttlAttribute: 'TTL' }, { ttl: false });
    return new DynamoDbStore({
      tableName,
      client,
      layout: tableLayout({
        partitionKey: 'PK',
        partitionKeyValue: 'IDEM#{id}',
        sortKey: 'SK',
        sortKeyValue: 'IDEM#{id}',
        ttlAttribute: 'TTL',
        attributePrefix: '_idem.',
      }),
    });
  });
});

function sortByKey(items: Record<string, AttributeValue>[]) {
  return [...items].sort((a, b) => `${a.pk!.S}|${a.sk!.S}`.localeCompare(`${b.pk!.S}|${b.sk!.S}`));
}
