import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DYNAMODB_LOCAL_CLIENT_CONFIG } from 'lambda-idempotency/testing';

// The launcher is the package's own (`lambda-idempotency/testing`): `npm start`, the tests and the bench
// start DynamoDB Local exactly as a user's test setup does.
export { startDynamoDbLocal, type DynamoDbLocal, type DynamoDbLocalOptions } from 'lambda-idempotency/testing';

/** Credentials DynamoDB Local accepts: letters and digits only, any region. */
export const LOCAL_CLIENT_CONFIG = DYNAMODB_LOCAL_CLIENT_CONFIG;

/** A client for a DynamoDB Local endpoint. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint });
}

export { freePort } from './free-port';
