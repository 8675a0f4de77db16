import {
  isClaimable,
  isOwnClaim,
  type ClaimRequest,
  type ClaimResult,
  type CompleteRequest,
  type IdempotencyRecord,
  type IdempotencyStore,
  type StoreCallOptions,
  type StoreCapabilities,
} from '../core/store';
import type { AtomicCompletionResult, BusinessWrite, PendingWrite, RenewRequest, RenewResult } from '../core/store';
import type { WriteOptions } from '../core/business-write';
import { renewalFound } from '../core/renewal';
import { pendingWrite } from './pending-write';
import { DYNAMODB_MAX_RESULT_BYTES } from './dynamodb-item';
import type { Doc } from './memory-expression';
import { MemoryTables, type MemoryTableKeys } from './memory-tables';
import { MemorySteps } from './memory-steps';
import type { EncodedResult, StepGetRequest, StepPutRequest, StepPutResult } from '../core/store';
import { stepRunner } from '../core/steps/step-runner';
import { commitWrites } from '../core/claim/commit-writes';

/** Options of `MemoryStore`. */
export interface MemoryStoreOptions {
  /**
   * The largest encoded result a record holds; larger ones are stored as `omitted`, as in DynamoDB.
   * @default the DynamoDB store's limit (400 KB item less room for the other attributes)
   */
  readonly maxResultBytes?: number;
  /**
   * The tables `idem.write` may write, each with its key attribute names (`{ ledger: ['pk', 'sk'] }`);
   * a write to another table is refused.
   * @default no tables
   */
  readonly tables?: MemoryTableKeys;
}

/**
 * Records in a Map, with the same conditions as the DynamoDB store. For unit tests and local tools:
 * it is neither shared between Lambda containers nor durable.
 */
export class MemoryStore implements IdempotencyStore {
  readonly maxResultBytes: number;
  private readonly records = new Map<string, IdempotencyRecord>();
  private readonly tables: MemoryTables;
  private readonly steps = new MemorySteps();
  /** A MemoryStore always keeps steps and commits writes: it brings the engine's code for both. */
  readonly capabilities: StoreCapabilities = Object.freeze({ stepRunner, commitWrites });

  constructor(options: MemoryStoreOptions = {}) {
    this.maxResultBytes = options.maxResultBytes ?? DYNAMODB_MAX_RESULT_BYTES;
    this.tables = new MemoryTables(options.tables ?? {});
  }

  /**
   * Completes the record and applies the handler's writes to the in-memory tables, all or nothing, in one
   * synchronous step (nothing else runs in between), with the DynamoDB store's fence and outcomes.
   */
  async completeWith(request: CompleteRequest, writes: readonly PendingWrite[]): Promise<AtomicCompletionResult> {
    const existing = this.records.get(request.id);
    if (existing?.leaseToken === request.leaseToken && existing.status === 'COMPLETED') return { completed: true }; // a retry that landed
    if (existing?.leaseToken !== request.leaseToken) return { completed: false, reason: 'fenced' };
    const failures = this.tables.apply(writes);
    if (failures.length > 0) return { completed: false, reason: 'condition-failed', failures };
    await this.complete(request);
    return { completed: true };
  }

  /** One `idem.write`, checked as `completeWith` will check it: see `IdempotencyStore.collectWrite`. */
  collectWrite(_id: string, collected: readonly PendingWrite[], action: BusinessWrite, options?: WriteOptions): PendingWrite {
    const write = pendingWrite(collected, action, options);
    this.tables.check([...collected, write]);
    return write;
  }

  /** The items `idem.write` left in `table` (document form). */
  items(table: string): Doc[] {
    return this.tables.items(table);
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const existing = this.records.get(request.id);
    if (isOwnClaim(existing, request.leaseToken)) return { claimed: true };
    if (!isClaimable(existing, request.now)) return { claimed: false, existing };
    this.records.set(request.id, {
      id: request.id,
      status: 'IN_PROGRESS',
      expiration: request.expiration,
      leaseToken: request.leaseToken,
      leaseExpiresAt: request.leaseExpiresAt,
      fingerprint: request.fingerprint,
      createdAt: request.now,
    });
    return { claimed: true, replaced: existing };
  }

  async get(id: string, options: StoreCallOptions = {}): Promise<IdempotencyRecord | undefined> {
    options.signal?.throwIfAborted();
    return this.records.get(id);
  }

  async complete(request: CompleteRequest): Promise<{ completed: boolean }> {
    const existing = this.records.get(request.id);
    if (existing?.leaseToken !== request.leaseToken) return { completed: false };
    this.records.set(request.id, {
      id: request.id,
      status: 'COMPLETED',
      expiration: request.expiration,
      leaseToken: request.leaseToken,
      fingerprint: existing.fingerprint,
      result: request.result,
      createdAt: existing.createdAt,
    });
    return { completed: true };
  }

  async release(id: string, leaseToken: string): Promise<{ released: boolean }> {
    const existing = this.records.get(id);
    if (existing && existing.leaseToken !== leaseToken) return { released: false };
    this.records.delete(id);
    return { released: true };
  }

  async renew(request: RenewRequest): Promise<RenewResult> {
    const existing = this.records.get(request.id);
    if (
      existing?.status !== 'IN_PROGRESS' ||
      existing.leaseToken !== request.leaseToken ||
      existing.leaseExpiresAt >= request.leaseExpiresAt
    )
      return renewalFound(existing, request);
    this.records.set(request.id, { ...existing, leaseExpiresAt: request.leaseExpiresAt, expiration: request.expiration });
    return { renewed: true };
  }

  /** A step's stored result (`idem.step`). */
  async getStep(request: StepGetRequest): Promise<EncodedResult | undefined> {
    return this.steps.get(request);
  }

  /** Stores a step's result unless one is stored. */
  async putStep(request: StepPutRequest): Promise<StepPutResult> {
    return this.steps.put(request);
  }

  /** How many records are held (expired ones included, as in DynamoDB before its TTL sweep). */
  get size(): number {
    return this.records.size;
  }
}
