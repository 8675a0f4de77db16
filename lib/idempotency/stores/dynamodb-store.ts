import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { isOwnClaim, type ClaimRequest, type ClaimResult, type CompleteRequest, type IdempotencyRecord, type IdempotencyStore, type StoreCallOptions } from '../core/store';
import { claimInput, completeInput, DYNAMODB_MAX_RESULT_BYTES, getInput, recordFromItem, releaseInput } from './dynamodb-item';

/** Options of `DynamoDbStore`. */
export interface DynamoDbStoreOptions {
  /** A table with partition key `id` (string) and TTL on `expiration`; `IdempotencyTable` makes one. */
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

  constructor(options: DynamoDbStoreOptions) {
    if (typeof options?.tableName !== 'string' || options.tableName.length === 0) {
      throw new TypeError(`Expected \`tableName\` to be a non-empty string, got ${JSON.stringify(options?.tableName)}`);
    }
    this.tableName = options.tableName;
    this.client = options.client ?? new DynamoDBClient({});
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    try {
      const { Attributes } = await this.client.send(new PutItemCommand(claimInput(this.tableName, request)));
      return { claimed: true, replaced: recordFromItem(Attributes) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = recordFromItem(error.Item) ?? (await this.get(request.id));
      // The SDK retried a claim whose first attempt landed (its answer was lost): the record is ours.
      if (isOwnClaim(existing, request.leaseToken)) return { claimed: true };
      return { claimed: false, existing };
    }
  }

  async get(id: string, options: StoreCallOptions = {}): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.client.send(new GetItemCommand(getInput(this.tableName, id)), { abortSignal: options.signal });
    return recordFromItem(Item);
  }

  async complete(request: CompleteRequest): Promise<{ completed: boolean }> {
    return { completed: await this.sendFenced(new UpdateItemCommand(completeInput(this.tableName, request))) };
  }

  async release(id: string, leaseToken: string): Promise<{ released: boolean }> {
    return { released: await this.sendFenced(new DeleteItemCommand(releaseInput(this.tableName, id, leaseToken))) };
  }

  /** True if the write landed; false if the fence (lease token) turned it away. */
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

// By name as well as class: a second copy of the SDK in the bundle has its own class.
function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}
