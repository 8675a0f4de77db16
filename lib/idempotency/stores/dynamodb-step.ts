import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type GetItemCommandInput,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { EncodedResult } from '../core/record';
import type { StepRunner } from '../core/steps/step-function';
import { isLiveStep, STEP_STATUS, type StepGetRequest, type StepPutRequest, type StepPutResult } from '../core/steps/step-record';
import { stepRunner } from '../core/steps/step-runner';
import type { TableLayout } from '../table-layout';
import { keyOf, N, names, resultFromItem, S } from './dynamodb-item';
import type { DynamoDbRecordTable } from './dynamodb-transactions';

type Item = Record<string, AttributeValue>;

/**
 * Put a step: written once. The condition admits only an absent or expired step, so of two runs racing one step
 * (a run whose lease was taken over, and its successor) the first result stands, and the loser reads it back from
 * the failed condition (ALL_OLD) in the same round trip.
 */
export function putStepInput(tableName: string, request: StepPutRequest, layout: TableLayout): PutItemCommandInput {
  const A = layout.attributes;
  const item: Item = {
    ...keyOf(layout, request.id),
    [A.status]: S(STEP_STATUS),
    [A.expiration]: N(request.expiration),
    [A.createdAt]: N(request.now),
    [A.resultEncoding]: S(request.result.encoding),
  };
  if (request.result.encoding === 'json') item[A.result] = S(request.result.data);
  if (request.result.encoding === 'json-gzip') item[A.result] = { B: request.result.data };
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(#id) OR #expiration < :nowSeconds',
    ExpressionAttributeNames: names(layout, 'id', 'expiration'),
    ExpressionAttributeValues: { ':nowSeconds': N(Math.floor(request.now / 1000)) },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/** A strongly consistent read of a step: a run must see the step its predecessor stored just before it crashed. */
export function getStepInput(tableName: string, id: string, layout: TableLayout): GetItemCommandInput {
  return { TableName: tableName, Key: keyOf(layout, id), ConsistentRead: true };
}

/** A step item's result, or `undefined` for no item, an expired one, or an item that is not a step. */
export function stepFromItem(item: Item | undefined, now: number, layout: TableLayout): EncodedResult | undefined {
  const A = layout.attributes;
  if (!item || item[A.status]?.S !== STEP_STATUS) return undefined;
  if (!isLiveStep(Number(item[A.expiration]?.N), now)) return undefined;
  return resultFromItem(item, A);
}

/** Sends `putStepInput`; a failed condition hands back the result stored first. */
export async function putStep(
  client: DynamoDBClient,
  tableName: string,
  layout: TableLayout,
  request: StepPutRequest,
): Promise<StepPutResult> {
  try {
    await client.send(new PutItemCommand(putStepInput(tableName, request, layout)));
    return { stored: true };
  } catch (error) {
    const failed =
      error instanceof ConditionalCheckFailedException || (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
    if (!failed) throw error;
    const existing =
      stepFromItem((error as ConditionalCheckFailedException).Item, request.now, layout) ??
      (await getStep(client, tableName, layout, request));
    // A retried put whose first attempt landed finds its own result: the same bytes, so either reading serves.
    if (existing) return { stored: false, existing };
    // The step expired and was swept between the condition and the read: the key is free, so write once more.
    await client.send(new PutItemCommand(putStepInput(tableName, request, layout)));
    return { stored: true };
  }
}

/** Sends `getStepInput`. */
export async function getStep(
  client: DynamoDBClient,
  tableName: string,
  layout: TableLayout,
  request: StepGetRequest,
): Promise<EncodedResult | undefined> {
  const { Item } = await client.send(new GetItemCommand(getStepInput(tableName, request.id, layout)));
  return stepFromItem(Item, request.now, layout);
}

/** Recovery points for `DynamoDbStore` (`idem.step`): each step's result one item beside the record, in its key space. */
export interface DynamoDbSteps {
  /** A step's stored result: one strongly consistent `GetItem`. */
  get(table: DynamoDbRecordTable, request: StepGetRequest): Promise<EncodedResult | undefined>;
  /** Stores a step's result unless one is stored: one conditional `PutItem`. */
  put(table: DynamoDbRecordTable, request: StepPutRequest): Promise<StepPutResult>;
  /** Core's runner of `idem.step`, which stores through `get` and `put`: it comes with them, not with every handler. */
  readonly stepRunner: StepRunner;
}

/**
 * The steps capability of `DynamoDbStore`: `new DynamoDbStore({ tableName, steps: dynamoDbSteps() })`. A capability
 * the handler imports and passes to the store, as transactions are, so a handler that never calls `idem.step` bundles
 * none of the step storage, nor the runner of `idem.step`.
 */
export function dynamoDbSteps(): DynamoDbSteps {
  return Object.freeze({
    get: (table: DynamoDbRecordTable, request: StepGetRequest) => getStep(table.client, table.tableName, table.layout, request),
    put: (table: DynamoDbRecordTable, request: StepPutRequest) => putStep(table.client, table.tableName, table.layout, request),
    stepRunner,
  });
}
