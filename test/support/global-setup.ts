import { startDynamoDbLocal, type DynamoDbLocal } from '../../lib/idempotency/testing';
import { warmTransactions } from './warm-transactions';

/**
 * Starts DynamoDB Local once for the whole run; every test file creates its own tables in it.
 * Workers start after this and inherit the endpoint through the environment.
 */
export default async function globalSetup(): Promise<void> {
  // The SDK warns on Node 20 about releases after January 2027; set here too, for this process's client.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const local = await startDynamoDbLocal();
  const stopOnSignal = (signal: NodeJS.Signals) => {
    void local.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  (globalThis as { __dynamoDbLocal__?: DynamoDbLocal }).__dynamoDbLocal__ = local;
  process.env.DYNAMODB_LOCAL_ENDPOINT = local.endpoint;
  await warmTransactions(local.endpoint);
}
