import { createServer } from 'node:net';
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

/** Asks the OS for a free port: never hard-code one, other programs may hold it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('could not find a free port');
  return address.port;
}
