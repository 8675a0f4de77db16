import { DynamoDbStore, dynamoDbSteps } from '../../../lib/idempotency/dynamodb';
import { freshIdempotencyTable, scanAll, testClient } from '../../support/dynamodb';
import { describeRecoveryPoints } from '../../support/recovery-point-scenarios';

// The shared recovery-point scenarios on a fresh DynamoDB Local table, steps given as the store's capability.
const client = testClient();
let tableName: string;

describeRecoveryPoints('DynamoDB Local', {
  setup: async () => {
    tableName = await freshIdempotencyTable(client);
    return new DynamoDbStore({ tableName, client, steps: dynamoDbSteps() });
  },
  stored: async () => (await scanAll(client, tableName)).map((item) => JSON.stringify(item)).sort(),
  teardown: async () => client.destroy(),
});
