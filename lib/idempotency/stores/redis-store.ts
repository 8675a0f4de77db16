import type { ClaimRequest, ClaimResult, CompleteRequest, IdempotencyStore } from '../core/store';
import { redisCommands, type RedisClientLike, type RedisCommands } from './redis-client';
import { claimArgs, claimResultFromReply, completeArgs, recordFromFields, type StoredRecord } from './redis-record';
import { CLAIM, COMPLETE, RELEASE, type RedisScript } from './redis-scripts';

/** The default `maxResultBytes`: large enough for any API response worth replaying, small enough not to stall a single-threaded server. */
export const REDIS_MAX_RESULT_BYTES = 1024 * 1024;

/** Options of `RedisStore`. */
export interface RedisStoreOptions {
  /**
   * Your connected client: node-redis (`createClient()` / `createCluster()`, after `connect()`) or ioredis /
   * iovalkey (`new Redis()` / `new Cluster()`). Its timeouts and reconnection apply to every call.
   */
  readonly client: RedisClientLike;
  /**
   * Prepended to every record's id to make its key, so records can share a server with other data.
   * @default 'idempotency:'
   */
  readonly keyPrefix?: string;
  /**
   * The largest encoded result a record holds (after gzip, before base64); larger ones complete as `omitted`.
   * @default 1048576 (1 MiB)
   */
  readonly maxResultBytes?: number;
}

/** Options for a read. */
export interface GetOptions {
  /** Rejects the read as soon as it aborts (the reply, if one comes, is ignored). */
  readonly signal?: AbortSignal;
}

const OPTION_NAMES = new Set(['client', 'keyPrefix', 'maxResultBytes']);

/**
 * Idempotency records in Redis or Valkey: one Lua script per transition, called by its SHA (and sent
 * whole only when the server has lost its script cache), each on one key, so one round trip and one slot.
 * See the README's Redis section for what Redis does and does not promise across a failover.
 */
export class RedisStore implements IdempotencyStore {
  readonly maxResultBytes: number;
  /** What every record key starts with. */
  readonly keyPrefix: string;
  private readonly commands: RedisCommands;

  constructor(options: RedisStoreOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError('Expected RedisStore options to be an object with a `client`');
    for (const name of Object.keys(options)) {
      if (!OPTION_NAMES.has(name)) throw new TypeError(`Unknown RedisStore option \`${name}\` (expected one of ${[...OPTION_NAMES].join(', ')})`);
    }
    const { keyPrefix = 'idempotency:', maxResultBytes = REDIS_MAX_RESULT_BYTES } = options;
    if (typeof keyPrefix !== 'string') throw new TypeError(`Expected \`keyPrefix\` to be a string, got ${JSON.stringify(keyPrefix)}`);
    if (!Number.isSafeInteger(maxResultBytes) || maxResultBytes < 1) {
      throw new TypeError(`Expected \`maxResultBytes\` to be a positive integer, got ${JSON.stringify(maxResultBytes)}`);
    }
    this.commands = redisCommands(options.client);
    this.keyPrefix = keyPrefix;
    this.maxResultBytes = maxResultBytes;
  }

  /** The Redis key of a record. */
  keyOf(id: string): string {
    return `${this.keyPrefix}${id}`;
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    return claimResultFromReply(request.id, await this.run(CLAIM, request.id, claimArgs(request)));
  }

  async get(id: string, options: GetOptions = {}): Promise<StoredRecord | undefined> {
    return recordFromFields(id, await abortable(this.commands.hGetAll(this.keyOf(id)), options.signal));
  }

  async complete(request: CompleteRequest): Promise<{ completed: boolean }> {
    return { completed: Number(await this.run(COMPLETE, request.id, completeArgs(request))) === 1 };
  }

  async release(id: string, leaseToken: string): Promise<{ released: boolean }> {
    return { released: Number(await this.run(RELEASE, id, [leaseToken])) === 1 };
  }

  /**
   * EVALSHA, and EVAL only when the server answers NOSCRIPT (a restart, a failover, `SCRIPT FLUSH`):
   * a NOSCRIPT reply means the script did not run, so sending it whole cannot run it twice.
   */
  private async run(script: RedisScript, id: string, args: readonly string[]): Promise<unknown> {
    const key = this.keyOf(id);
    try {
      return await this.commands.evalSha(script.sha, key, args);
    } catch (error) {
      if (!String((error as { message?: unknown } | null)?.message ?? '').startsWith('NOSCRIPT')) throw error;
      return this.commands.eval(script.source, key, args);
    }
  }
}

/** `promise`, or its rejection with the signal's reason as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
