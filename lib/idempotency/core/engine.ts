import { IdempotencyStoreError } from '../errors';
import { claimOrAnswer, type Claimant } from './claim/claim-or-answer';
import type { InvocationClock } from './lease';
import { LocalCache } from './local-cache';
import type { ResolvedEngineOptions } from './options';
import type { BeginRequest, Begun, Execution, Outcome } from './outcome';
import { InvocationTelemetry } from './telemetry';
import { errorMessage } from './error-message';

/** The core: claim -> decide -> run -> complete | release. Knows no event source and no database. */
export class IdempotencyEngine {
  private readonly cache: LocalCache;

  constructor(private readonly options: ResolvedEngineOptions) {
    this.cache = new LocalCache(options.localCacheEntries);
  }

  /** The operation keys belong to unless a request names its own. */
  get operation(): string {
    return this.options.operation;
  }

  /** The clock the engine reads. */
  now(): number {
    return this.options.now();
  }

  /** One invocation: its telemetry, and the remaining time its leases and waits follow. Flush it once, when it ends. */
  start(context?: InvocationClock, telemetry?: InvocationTelemetry): Invocation {
    return new Invocation(this.options, this.cache, context, telemetry);
  }

  /** Runs `work` in one invocation and flushes its telemetry once, whatever happens. */
  async invoke<T>(context: InvocationClock | undefined, work: (invocation: Invocation) => Promise<T>): Promise<T> {
    const invocation = this.start(context);
    try {
      return await work(invocation);
    } finally {
      invocation.flush();
    }
  }
}

/**
 * The requests of one Lambda invocation. Returns an outcome for everything an adapter expects; throws only
 * its own store faults (`isStoreFault` tells them apart) and the handler's error, unchanged.
 */
export class Invocation {
  /** Counts and logs what happens in this invocation. */
  readonly telemetry: InvocationTelemetry;
  private readonly storeFaults = new WeakSet<object>();
  /**
   * What a claim of this invocation holds on to (its options, cache, telemetry, remaining time, store faults): the
   * durable wrapper settles with it a claim an earlier invocation of its execution made (`heldClaim`).
   */
  readonly claimant: Claimant;

  constructor(
    private readonly options: ResolvedEngineOptions,
    private readonly cache: LocalCache,
    private readonly context: InvocationClock | undefined,
    telemetry?: InvocationTelemetry,
  ) {
    this.telemetry = telemetry ?? new InvocationTelemetry(options.logger, options.metrics, options.now);
    this.claimant = { options, cache, telemetry: this.telemetry, context, storeFault: this.storeFault, guard: this.guard };
  }

  /** Whether `error` is a store fault this invocation raised, not one the handler threw (a nested idempotent call's). */
  isStoreFault(error: unknown): error is IdempotencyStoreError {
    return typeof error === 'object' && error !== null && this.storeFaults.has(error);
  }

  /** Writes this invocation's metrics; later calls write nothing. */
  flush(): void {
    this.telemetry.flush();
  }

  /** Claims, runs and settles one request, or answers it from what holds its key. */
  async execute<R, S = R>(execution: Execution<R, S>): Promise<Outcome<R, S>> {
    const begun = await this.begin<S>(execution);
    if (begun.kind !== 'claimed') return begun;
    const { claim } = begun;
    let result: R;
    try {
      result = await execution.run(claim.idem);
    } catch (error) {
      this.telemetry.event('handlerThrew', { idempotencyKey: claim.idem.key });
      await claim.release('the handler threw');
      throw error;
    }
    let stored: { final: false } | { final: true; value: unknown };
    try {
      stored =
        execution.isFinal && !execution.isFinal(result)
          ? { final: false }
          : { final: true, value: execution.toStored ? execution.toStored(result) : result };
    } catch (error) {
      // The adapter could not read the result (a user's isFinalStatus threw, a BigInt in a response):
      // nothing can be stored, so free the key rather than hold it until the lease ends.
      await claim.release('the result could not be read');
      throw error;
    }
    // The handler's own writes go only with a final result, in one transaction with it; a release drops them.
    if (!stored.final) await claim.release('the result is not final');
    const settled = stored.final ? await claim.complete(stored.value) : undefined;
    return settled && settled.kind !== 'completed' ? settled : { kind: 'ran', result };
  }

  /** Claims the key, or answers from what holds it: a replay, a refusal, or (after the bounded wait) in progress. */
  begin<S>(request: BeginRequest): Promise<Begun<S>> {
    return claimOrAnswer<S>(this.claimant, request);
  }

  /** A claim or a read, its failure recorded and wrapped as this invocation's store fault, in one place. */
  private readonly guard = async <T>(
    fields: Record<string, unknown>,
    step: 'claim' | 'read',
    call: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (signal?.aborted) throw error; // the caller's own bound, not a store fault
      this.telemetry.event('storeFailed', { ...fields, step, error: errorMessage(error) });
      throw this.storeFault(step === 'claim' ? 'claim the idempotency key' : 'read the idempotency record', error);
    }
  };

  /** `error` wrapped as this invocation's store fault: "Could not <what>: …", with the store's error as `cause`. */
  private readonly storeFault = (what: string, error: unknown): IdempotencyStoreError => {
    const fault = new IdempotencyStoreError(`Could not ${what}: ${errorMessage(error)}`, error);
    this.storeFaults.add(fault);
    return fault;
  };
}
