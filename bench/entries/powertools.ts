/** Bundle entry: the handler wrapped by Powertools, configured as in the timed runs. */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { charge, tableName } from './payment-handler';

export const handler = makeIdempotent(charge, {
  persistenceStore: new DynamoDBPersistenceLayer({ tableName }),
  config: new IdempotencyConfig({
    eventKeyJmesPath: 'headers."idempotency-key"',
    payloadValidationJmesPath: 'body',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: 86_400,
  }),
});
