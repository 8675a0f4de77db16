import { DynamoDbStore, dynamoDbSteps } from '../../../lib/idempotency/dynamodb';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';
import { describeStepContract, describeStoreContract } from '../../support/store-contract';

const client = testClient();
afterAll(() => client.destroy());

describeStoreContract(
  'DynamoDbStore on DynamoDB Local',
  async () => new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client }),
);

describeStepContract(
  'DynamoDbStore with dynamoDbSteps() on DynamoDB Local',
  async () => new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client, steps: dynamoDbSteps() }),
);

it('keeps no steps without the steps capability: idem.step has nothing to store them with', () => {
  const store = new DynamoDbStore({ tableName: 'any', client });
  expect([store.getStep, store.putStep]).toEqual([undefined, undefined]);
  expect(() => new DynamoDbStore({ tableName: 'any', client, steps: {} as never })).toThrow(/`steps` to be dynamoDbSteps\(\)/);
});
