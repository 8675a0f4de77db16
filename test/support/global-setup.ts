import { startDynamoDbLocal, type DynamoDbLocal } from '../../lib/idempotency/testing';
import { startRedisServer, type RedisServer } from '../../lib/local/redis-server';
import { warmTransactions } from './warm-transactions';

/**
 * Starts DynamoDB Local and one redis-server once for the whole run; every test file creates its own
 * tables (or uses its own key prefix) in them. Workers start after this and inherit both addresses
 * through the environment.
 */
export default async function globalSetup(): Promise<void> {
  // The SDK warns on Node 20 about releases after January 2027; set here too, for this process's client.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const [local, redis] = await Promise.allSettled([startDynamoDbLocal(), startRedisServer()]);
  if (local.status === 'rejected' || redis.status === 'rejected') {
    if (local.status === 'fulfilled') await local.value.stop();
    if (redis.status === 'fulfilled') await redis.value.stop();
    throw local.status === 'rejected' ? local.reason : (redis as PromiseRejectedResult).reason;
  }
  const stopOnSignal = (signal: NodeJS.Signals) => {
    void Promise.allSettled([local.value.stop(), redis.value.stop()]).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const servers = globalThis as { __dynamoDbLocal__?: DynamoDbLocal; __redisServer__?: RedisServer };
  servers.__dynamoDbLocal__ = local.value;
  servers.__redisServer__ = redis.value;
  process.env.DYNAMODB_LOCAL_ENDPOINT = local.value.endpoint;
  process.env.REDIS_URL = redis.value.url;
  await warmTransactions(local.value.endpoint);
}
