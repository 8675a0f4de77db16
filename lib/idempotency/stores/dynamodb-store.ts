import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AtomicCompletionResult, PendingWrite } from '../core/store';
import { assertKnownOptions, refuseOption } from '../core/validate';
import type { DynamoDbTransactions } from './dynamodb-transactions';
import {
  isOwnClaim,
  type ClaimRequest,
  type ClaimResult,
  type CompleteRequest,
  type IdempotencyRecord,
  type IdempotencyStore,
  type RenewRequest,
  type RenewResult,
  type StoreCallOptions,
  type StoreCapabilities,
} from '../core/store';
import { renewalFound } from '../core/renewal';
import { DEFAULT_TABLE_LAYOUT, TABLE_LAYOUT_OPTIONS, type TableLayout } from '../table-layout';
import { claimInput, completeInput, DYNAMODB_MAX_RESULT_BYTES, getInput, recordFromItem, releaseInput, renewInput } from './dynamodb-item';
import type { DynamoDbSteps } from './dynamodb-step';

/**
 * Options of `DynamoDbStore`. Without `layout`, the table is one of its own: partition key `id` (string), TTL on
 * `expiration`. With it, an existing (single-table) design: see `tableLayout`.
 */
export interface DynamoDbStoreOptions {
  /** The table the records live in; `IdempotencyTable` makes one, or name your existing table and map its layout. */
  readonly tableName: string;
  /**
   * Your own client, so its region, retries, credentials and middleware apply.
   * @default new DynamoDBClient({})
   */
  readonly client?: DynamoDBClient;
  /**
   * Where the records go in a table you already have: `tableLayout({ partitionKey, partitionKeyValue, … })` from
   * `lambda-idempotency/dynamodb`, validated there. Without it a handler's bundle carries none of that validation.
   * @default the layout of a table of its own (`IdempotencyTable`): partition key `id`, TTL on `expiration`
   */
  readonly layout?: TableLayout;
  /**
   * Atomic completion (`idem.write`): `dynamoDbTransactions()` from `lambda-idempotency/dynamodb-transactions`.
   * Without it the store refuses `idem.write`, and a handler's bundle carries none of the transaction code.
   * @default none
   */
  readonly transactions?: DynamoDbTransactions;
  /**
   * Recovery points (`idem.step`): `dynamoDbSteps()` from `lambda-idempotency/dynamodb`. Without it the store keeps
   * no steps (`idem.step` throws `IdempotencyStepInvalidError`), and a handler's bundle carries none of their code.
   * @default none
   */
  readonly steps?: DynamoDbSteps;
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
  /** With `transactions`: the completion and the handler's writes in one `TransactWriteItems`. */
  readonly completeWith?: (request: CompleteRequest, writes: readonly PendingWrite[]) => Promise<AtomicCompletionResult>;
  /** With `transactions`: one `idem.write`, checked against DynamoDB's transaction limits. */
  readonly collectWrite?: NonNullable<IdempotencyStore['collectWrite']>;
  /** With `steps`: a step's stored result (`idem.step`), one strongly consistent `GetItem`. */
  readonly getStep?: NonNullable<IdempotencyStore['getStep']>;
  /** With `steps`: stores a step's result unless one is stored, one conditional `PutItem` beside the record. */
  readonly putStep?: NonNullable<IdempotencyStore['putStep']>;
  /** The engine's code its `transactions` and `steps` bring: the commit of `idem.write`, the runner of `idem.step`. */
  readonly capabilities: StoreCapabilities;

  constructor(options: DynamoDbStoreOptions) {
    if (typeof options?.tableName !== 'string' || options.tableName.length === 0) {
      throw new TypeError(`Expected \`tableName\` to be a non-empty string, got ${JSON.stringify(options?.tableName)}`);
    }
    // The layout options of 0.2.0, given to the store itself: name their new place rather than ignore them.
    const flat = Object.keys(options).find((key) => (TABLE_LAYOUT_OPTIONS as readonly string[]).includes(key));
    if (flat) {
      throw new TypeError(
        `\`${flat}\` is a table layout option: pass \`layout: tableLayout({ ${flat}, … })\` from lambda-idempotency/dynamodb.`,
      );
    }
    assertKnownOptions(options, KNOWN_OPTIONS, 'DynamoDbStore');
    this.tableName = options.tableName;
    this.client = options.client ?? new DynamoDBClient({});
    // A table of its own takes the frozen default as it is; a custom layout was validated by tableLayout().
    const { layout = DEFAULT_TABLE_LAYOUT } = options;
    if (typeof layout?.partitionKey?.template !== 'string' || typeof layout.attributes !== 'object') {
      refuseOption('layout', 'be tableLayout({ … }) from lambda-idempotency/dynamodb', layout);
    }
    this.layout = layout;
    const { transactions } = options;
    if (transactions !== undefined) {
      if (
        typeof transactions?.commit !== 'function' ||
        typeof transactions.collect !== 'function' ||
        typeof transactions.commitWrites !== 'function'
      )
        throw new TypeError(
          `Expected \`transactions\` to be dynamoDbTransactions() from lambda-idempotency/dynamodb-transactions, got ${JSON.stringify(transactions)}`,
        );
      this.completeWith = (request, writes) => transactions.commit(this, request, writes);
      this.collectWrite = (id, collected, action, options) => transactions.collect(this, id, collected, action, options);
    }
    const { steps } = options;
    if (steps !== undefined) {
      if (typeof steps?.get !== 'function' || typeof steps.put !== 'function' || typeof steps.stepRunner !== 'function')
        throw new TypeError(`Expected \`steps\` to be dynamoDbSteps() from lambda-idempotency/dynamodb, got ${JSON.stringify(steps)}`);
      this.getStep = (request) => steps.get(this, request);
      this.putStep = (request) => steps.put(this, request);
    }
    this.capabilities = { commitWrites: transactions?.commitWrites, stepRunner: steps?.stepRunner };
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

  /** One fenced `UpdateItem` (see `renewInput`); a refusal names the record that holds the key. */
  async renew(request: RenewRequest): Promise<RenewResult> {
    try {
      await this.client.send(new UpdateItemCommand(renewInput(this.tableName, request, this.layout)));
      return { renewed: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return renewalFound(recordFromItem(error.Item, this.layout) ?? (await this.get(request.id)), request);
    }
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

/** The options `DynamoDbStore` accepts; any other key is refused. */
export const KNOWN_OPTIONS: readonly string[] = ['tableName', 'client', 'layout', 'transactions', 'steps'];

// By name as well as class: a second copy of the SDK in the bundle has its own class.
function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
  return (
    error instanceof ConditionalCheckFailedException || (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException'
  );
}
