import { assertKnownOptions } from '../core/validate';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ClaimRequest,
  ClaimResult,
  CompleteRequest,
  EncodedResult,
  IdempotencyRecord,
  IdempotencyStore,
  RenewRequest,
  RenewResult,
  StepGetRequest,
  StepPutRequest,
  StepPutResult,
  StoreCallOptions,
  StoreCapabilities,
} from '../core/store';
import { stepRunner } from '../core/steps/step-runner';
import { redisCommands, type RedisClientLike, type RedisCommands } from './redis-client';
import { isConnectionFailure, isNoScript } from './redis-errors';
import { claimArgs, claimResultFromReply, completeArgs, recordFromFields } from './redis-record';
import { renewArgs, renewResultFromReply } from './redis-renewal';
import { CLAIM, COMPLETE, PUT_STEP, RELEASE, RENEW, type RedisScript } from './redis-scripts';
import { putStepArgs, stepFromFields, stepPutResultFromReply } from './redis-step';

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
  /**
   * The longest the store waits for any one reply; past it the call rejects (a store fault) and a late
   * reply is ignored. Set it when your client has no reply timeout of its own: node-redis's
   * `commandOptions.timeout` stops counting once the command is written, so it never ends a wait for a
   * reply that does not come (ioredis's `commandTimeout` does).
   * @default none: the client's own timeouts apply
   */
  readonly commandTimeoutMs?: number;
}

/** Pauses before a script is sent again after a connection failure (so at most three attempts). */
const CONNECTION_RETRY_DELAYS_MS = [50, 200];

/** The options `RedisStore` accepts; any other key is refused. */
export const OPTION_NAMES: readonly string[] = ['client', 'keyPrefix', 'maxResultBytes', 'commandTimeoutMs'];

/**
 * Idempotency records, and `idem.step`'s recovery points, in Redis or Valkey: one Lua script per transition,
 * called by its SHA (and sent whole only when the server has lost its script cache), each on one key, so one
 * round trip and one slot.
 * See the README's Redis section for what Redis does and does not promise across a failover.
 */
export class RedisStore implements IdempotencyStore {
  /** The largest encoded result a record holds. */
  readonly maxResultBytes: number;
  /** What every record key starts with. */
  readonly keyPrefix: string;
  /** The store's own bound on each reply, if any. */
  readonly commandTimeoutMs: number | undefined;
  /** A RedisStore always keeps steps: it brings the runner of `idem.step` (no transactions: `idem.write` is refused). */
  readonly capabilities: StoreCapabilities = Object.freeze({ stepRunner });
  private readonly commands: RedisCommands;

  constructor(options: RedisStoreOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError('Expected RedisStore options to be an object with a `client`');
    assertKnownOptions(options, OPTION_NAMES, 'RedisStore');
    const { keyPrefix = 'idempotency:', maxResultBytes = REDIS_MAX_RESULT_BYTES } = options;
    if (typeof keyPrefix !== 'string') throw new TypeError(`Expected \`keyPrefix\` to be a string, got ${JSON.stringify(keyPrefix)}`);
    if (!Number.isSafeInteger(maxResultBytes) || maxResultBytes < 1) {
      throw new TypeError(`Expected \`maxResultBytes\` to be a positive integer, got ${JSON.stringify(maxResultBytes)}`);
    }
    if (options.commandTimeoutMs !== undefined && (!Number.isSafeInteger(options.commandTimeoutMs) || options.commandTimeoutMs < 1)) {
      throw new TypeError(`Expected \`commandTimeoutMs\` to be a positive integer, got ${JSON.stringify(options.commandTimeoutMs)}`);
    }
    this.commands = redisCommands(options.client);
    this.keyPrefix = keyPrefix;
    this.maxResultBytes = maxResultBytes;
    this.commandTimeoutMs = options.commandTimeoutMs;
  }

  /** The Redis key of a record. */
  keyOf(id: string): string {
    return `${this.keyPrefix}${id}`;
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    return claimResultFromReply(request.id, await this.run(CLAIM, request.id, claimArgs(request)));
  }

  /** `signal` rejects the read as soon as it aborts; a reply that comes later is ignored. */
  async get(id: string, options: StoreCallOptions = {}): Promise<IdempotencyRecord | undefined> {
    return recordFromFields(id, await this.bounded('HGETALL', this.commands.hGetAll(this.keyOf(id)), options.signal));
  }

  async complete(request: CompleteRequest): Promise<{ completed: boolean }> {
    return { completed: Number(await this.run(COMPLETE, request.id, completeArgs(request))) === 1 };
  }

  async release(id: string, leaseToken: string): Promise<{ released: boolean }> {
    return { released: Number(await this.run(RELEASE, id, [leaseToken])) === 1 };
  }

  async renew(request: RenewRequest): Promise<RenewResult> {
    return renewResultFromReply(request.id, await this.run(RENEW, request.id, renewArgs(request)));
  }

  /** A step's stored result (`idem.step`): one `HGETALL` of the step's key; an expired step counts as absent. */
  async getStep(request: StepGetRequest): Promise<EncodedResult | undefined> {
    return stepFromFields(await this.bounded('HGETALL', this.commands.hGetAll(this.keyOf(request.id))), request.now);
  }

  /**
   * Stores a step's result unless a live one is stored (then hands that one back): one script on the step's key.
   * A put retried after a lost answer finds its own result and goes on with it, so the step does not run again.
   */
  async putStep(request: StepPutRequest): Promise<StepPutResult> {
    return stepPutResultFromReply(await this.run(PUT_STEP, request.id, putStepArgs(request)), request.now);
  }

  /**
   * EVALSHA, and EVAL only when the server answers NOSCRIPT (a restart, a failover, `SCRIPT FLUSH`):
   * a NOSCRIPT reply means the script did not run, so sending it whole cannot run it twice. A call whose
   * connection failed before any answer is sent again after `CONNECTION_RETRY_DELAYS_MS` (the client
   * reconnects meanwhile): it may have landed, and each script counts its own lease token's write as done.
   */
  private async run(script: RedisScript, id: string, args: readonly string[]): Promise<unknown> {
    const key = this.keyOf(id);
    const once = async () => {
      try {
        return await this.bounded(script.name, this.commands.evalSha(script.sha, key, args));
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return this.bounded(script.name, this.commands.eval(script.source, key, args));
      }
    };
    for (const delay of CONNECTION_RETRY_DELAYS_MS) {
      try {
        return await once();
      } catch (error) {
        if (!isConnectionFailure(error)) throw error;
        await sleep(delay);
      }
    }
    return once();
  }

  private bounded<T>(what: string, reply: Promise<T>, signal?: AbortSignal): Promise<T> {
    return boundedReply(reply, { what, timeoutMs: this.commandTimeoutMs, signal });
  }
}

/**
 * The reply, or a rejection as soon as `timeoutMs` passes or `signal` aborts (its reason). The command
 * itself cannot be taken back: a late reply is ignored, and a late error too.
 */
function boundedReply<T>(
  reply: Promise<T>,
  { what, timeoutMs, signal }: { what: string; timeoutMs: number | undefined; signal: AbortSignal | undefined },
): Promise<T> {
  if (timeoutMs === undefined && !signal) return reply;
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (reason: unknown) => {
      settle();
      reject(reason);
    };
    const onAbort = () => fail(signal!.reason);
    reply.then((value) => {
      settle();
      resolve(value);
    }, fail);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(
        () => fail(Object.assign(new Error(`Redis did not answer ${what} within ${timeoutMs} ms`), { name: 'TimeoutError' })),
        timeoutMs,
      );
    }
  });
}
