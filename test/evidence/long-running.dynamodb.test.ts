import { DynamoDbStore } from '../../lib/idempotency/dynamodb';
import { freshIdempotencyTable, testClient } from '../support/dynamodb';
import { describeLongRunning } from '../support/long-running-scenarios';

const dynamodb = testClient();
afterAll(() => dynamodb.destroy());

describeLongRunning(
  'DynamoDbStore on DynamoDB Local',
  async () => new DynamoDbStore({ tableName: await freshIdempotencyTable(dynamodb), client: dynamodb }),
);
