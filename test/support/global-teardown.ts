import type { DynamoDbLocal } from '../../lib/idempotency/testing';
import type { RedisServer } from '../../lib/local/redis-server';

export default async function globalTeardown(): Promise<void> {
  const servers = globalThis as { __dynamoDbLocal__?: DynamoDbLocal; __redisServer__?: RedisServer };
  await Promise.allSettled([servers.__dynamoDbLocal__?.stop(), servers.__redisServer__?.stop()]);
}
