import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AtomicCompletionResult, PendingWrite } from '../core/store';
import { atomicCompletionInput, cancellationOutcome } from './dynamodb-transaction';
import {
  isOwnClaim,
  type ClaimRequest,
  type ClaimResult,
  type CompleteRequest,
  type IdempotencyRecord,
  type IdempotencyStore,
  type StoreCallOptions,
} from '../core/store';
import { resolveTableLayout, TABLE_LAYOUT_OPTIONS, type TableLayout, type TableLayoutOptions } from '../table-layout';
import { claimInput, completeInput, DYNAMODB_MAX_RESULT_BYTES, getInput, recordFromItem, releaseInput } from './dynamodb-item';
import { getStep, putStep } from './dynamodb-step';
import type { EncodedResult, StepGetRequest, StepPutRequest, StepPutResult } from '../core/store';

/**
 * Options of `DynamoDbStore`. Without the layout options, the table is one of its own: partition key `id`
 * (string), TTL on `expiration`. With them, an existing (single-table) design: see `TableLayoutOptions`.
 */
export interface DynamoDbStoreOptions extends TableLayoutOptions {
  /** The table the records live in; `IdempotencyTable` makes one, or name your existing table and map its layout. */
  readonly tableName: string;
  /**
   * Your own client, so its region, retries, credentials and middleware apply.
   * @default new DynamoDBClient({})
   */
  readonly client?: DynamoDBClient;
}

/** Idempotency records in DynamoDB: one conditional write per transition, a read only to wait or where the engine returns no item. */
export class DynamoDbStore implements IdempotencyStore {
  readonly maxResultBytes = DYNAMODB_MAX_RESULT_BYTES;
  /** The table the records live in. */
  readonly tableName: string;
  /** The client every call goes through. */
  readonly client: DynamoDBClient;
  /** Where the records go in the table: key names and values, TTL attribute, attribute names. */
  readonly layout: TableLayout;

  constructor(options: DynamoDbStoreOptions) {
    if (typeof options?.tableName !== 'string' || options.tableName.length === 0) {
      throw new TypeError(`Expected \`tableName\` to be a non-empty string, got ${JSON.stringify(options?.tableName)}`);
    }
    // A misspelt layout option would silently write the default layout: records that never expire, or keys the table refuses.
    const unknown = Object.keys(options).filter((key) => !KNOWN_OPTIONS.has(key));
    if (unknown.length > 0) {
      throw new TypeError(
        `Unknown DynamoDbStore option${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `\`${key}\``).join(', ')}: expected ${[...KNOWN_OPTIONS].map((key) => `\`${key}\``).join(', ')}`,
      );
    }
    this.tableName = options.tableName;
    this.client = options.client ?? new DynamoDBClient({});
    this.layout = resolveTableLayout(options);
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    try {
      const { Attributes } = await this.client.send(new PutItemCommand(claimInput(this.tableName, request, this.layout)));
      return { claimed: true, replaced: recordFromItem(Attributes, this.layout) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = recordFromItem(error.Item, this.layout) ?? (await this.get(request.id));
      // The SDK retried a claim whose first attempt landed (its answer was lost): the record is ours.
      if (isOwnClaim(existing, request.leaseToken)) return { claimed: true };
      return { claimed: false, existing };
    }
  }

  async get(id: string, options: StoreCallOptions = {}): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand(getInput(this.tableName, id, this.layout)),
      options.signal ? { abortSignal: options.signal } : {},
    );
    return recordFromItem(Item, this.layout);
  }

  async complete(request: CompleteRequest): Promise<{ completed: boolean }> {
    return { completed: await this.sendFenced(new UpdateItemCommand(completeInput(this.tableName, request, this.layout))) };
  }

  async release(id: string, leaseToken: string): Promise<{ released: boolean }> {
    return { released: await this.sendFenced(new DeleteItemCommand(releaseInput(this.tableName, id, leaseToken, this.layout))) };
  }

  /** The completion and the handler's writes in one `TransactWriteItems`; see `atomicCompletionInput`. */
  async completeWith(request: CompleteRequest, writes: readonly PendingWrite[]): Promise<AtomicCompletionResult> {
    const input = atomicCompletionInput(this.tableName, request, writes, this.layout);
    try {
      await this.client.send(new TransactWriteItemsCommand(input));
      return { completed: true };
    } catch (error) {
      return cancellationOutcome(error, request, writes, this.layout);
    }
  }

  /** True if the write landed; false if the fence (lease token) turned it away. */
  /** A step's stored result (`idem.step`): one strongly consistent GetItem. */
  getStep(request: StepGetRequest): Promise<EncodedResult | undefined> {
    return getStep(this.client, this.tableName, this.layout, request);
  }

  /** Stores a step's result unless one is stored: one conditional PutItem beside the record, in its key space. */
  putStep(request: StepPutRequest): Promise<StepPutResult> {
    return putStep(this.client, this.tableName, this.layout, request);
  }

  private async sendFenced(command: UpdateItemCommand | DeleteItemCommand): Promise<boolean> {
    try {
      await this.client.send(command as UpdateItemCommand);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['tableName', 'client', ...TABLE_LAYOUT_OPTIONS]);

// By name as well as class: a second copy of the SDK in the bundle has its own class.
function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
  return (
    error instanceof ConditionalCheckFailedException || (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException'
  );
}
