/**
 * The Redis / Valkey store, on its own entry (`lambda-idempotency/redis`).
 * The root `index.ts` does not import this file, so a function on DynamoDB loads none of it, and it
 * imports no Redis client: the user passes their own.
 */
export { RedisStore, REDIS_MAX_RESULT_BYTES } from './stores/redis-store';
export type { RedisStoreOptions } from './stores/redis-store';
export type { IoRedisClientLike, NodeRedisClientLike, RedisClientLike } from './stores/redis-client';
