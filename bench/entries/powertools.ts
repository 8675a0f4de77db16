/** Bundle entry: the handler wrapped by Powertools, configured as in the timed runs. */
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { charge, tableName } from './payment-handler';
import { powertoolsConfig } from './powertools-config';

export const handler = makeIdempotent(charge, {
  persistenceStore: new DynamoDBPersistenceLayer({ tableName }),
  config: powertoolsConfig(),
});
