/**
 * The three commands the Redis store sends, behind one small interface, so the store works with the
 * client the user already has. Neither `redis` (node-redis) nor `ioredis` is imported: both are
 * described by structure, and the user's connected client is adapted at construction.
 */

/** What the store needs of a Redis connection. Every call targets one key, so a cluster routes it to one slot. */
export interface RedisCommands {
  /** `EVALSHA sha 1 key ...args`; rejects with an error whose message starts `NOSCRIPT` when the server lacks the script. */
  evalSha(sha: string, key: string, args: readonly string[]): Promise<unknown>;
  /** `EVAL script 1 key ...args` (which also caches the script under its SHA). */
  eval(script: string, key: string, args: readonly string[]): Promise<unknown>;
  /** `HGETALL key`: the record's fields, empty when the key is absent. */
  hGetAll(key: string): Promise<Record<string, string>>;
}

/** A node-redis (`redis` 4 to 6) client or cluster, as `createClient()` / `createCluster()` return it, connected. */
export interface NodeRedisClientLike {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  hGetAll(key: string): Promise<unknown>;
}

/** An `ioredis` (or `iovalkey`) `Redis` or `Cluster` instance. */
export interface IoRedisClientLike {
  evalsha(sha: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  hgetall(key: string): Promise<Record<string, string>>;
}

/** Any client the store accepts. */
export type RedisClientLike = NodeRedisClientLike | IoRedisClientLike;

function isNodeRedis(client: object): client is NodeRedisClientLike {
  return (
    typeof (client as Partial<NodeRedisClientLike>).evalSha === 'function' &&
    typeof (client as Partial<NodeRedisClientLike>).hGetAll === 'function'
  );
}

function isIoRedis(client: object): client is IoRedisClientLike {
  return (
    typeof (client as Partial<IoRedisClientLike>).evalsha === 'function' &&
    typeof (client as Partial<IoRedisClientLike>).hgetall === 'function'
  );
}

// RESP3 clients may answer HGETALL with a Map; RESP2 ones with a plain object.
function fields(reply: unknown): Record<string, string> {
  if (reply instanceof Map) return Object.fromEntries([...reply].map(([field, value]) => [String(field), String(value)]));
  return (reply ?? {}) as Record<string, string>;
}

/** Adapts a node-redis or ioredis client; anything else is a `TypeError` naming the option. */
export function redisCommands(client: RedisClientLike): RedisCommands {
  if (client === null || typeof client !== 'object') {
    throw new TypeError(
      `Expected \`client\` to be a connected node-redis or ioredis client, got ${client === null ? 'null' : typeof client}`,
    );
  }
  if (isNodeRedis(client)) {
    const options = (key: string, args: readonly string[]) => ({ keys: [key], arguments: [...args] });
    return {
      evalSha: (sha, key, args) => client.evalSha(sha, options(key, args)),
      eval: (script, key, args) => client.eval(script, options(key, args)),
      hGetAll: async (key) => fields(await client.hGetAll(key)),
    };
  }
  if (isIoRedis(client)) {
    return {
      evalSha: (sha, key, args) => client.evalsha(sha, 1, key, ...args),
      eval: (script, key, args) => client.eval(script, 1, key, ...args),
      hGetAll: async (key) => fields(await client.hgetall(key)),
    };
  }
  throw new TypeError('Expected `client` to be a connected node-redis or ioredis client (with `evalSha`/`hGetAll` or `evalsha`/`hgetall`)');
}
