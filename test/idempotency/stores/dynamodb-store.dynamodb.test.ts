import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';
import { describeStepContract, describeStoreContract } from '../../support/store-contract';

const client = testClient();
afterAll(() => client.destroy());

describeStoreContract(
  'DynamoDbStore on DynamoDB Local',
  async () => new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client }),
);

describeStepContract(
  'DynamoDbStore on DynamoDB Local',
  async () => new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client }),
);
