import { randomUUID } from 'node:crypto';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { idempotentHttp } from 'lambda-idempotency';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { localClient } from '../lib/local/dynamodb-local';
import { countCalls } from '../test/support/call-counter';
import { FakeCharge, type OrderWriter } from './charge';
import { powertoolsConfig } from './entries/powertools-config';
import { transactionalStore } from './transactional-store';

/** Counts the calls one container's client sends, by name: DynamoDB commands or Redis commands alike. */
export interface CallCounter {
  readonly counts: Readonly<Record<string, number>>;
  total(): number;
  reset(): void;
}

/** One Lambda handler under test: `(event, context) => response`. */
export type Invoke = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/**
 * The variants compared. `-cache` ones keep completed records in the container's memory; `ours-nowait`
 * (`inFlightWaitMs: 0`) answers an in-flight duplicate at once, as Powertools does; the `-separate` and
 * `-atomic` ones write one order beside the record: with the handler's own `PutItem`, or through
 * `idem.write` (one `TransactWriteItems` with the completion).
 */
export type ContenderId =
  | 'bare'
  | 'ours'
  | 'ours-cache'
  | 'ours-nowait'
  | 'ours-separate'
  | 'ours-atomic'
  | 'powertools'
  | 'powertools-cache'
  | 'powertools-separate';

/** Human names, as the report prints them. */
export const LABELS: Readonly<Record<ContenderId, string>> = {
  bare: 'bare handler (no idempotency)',
  ours: 'this toolkit',
  'ours-cache': 'this toolkit, localCache: true',
  'ours-nowait': 'this toolkit, inFlightWaitMs: 0',
  'ours-separate': "this toolkit, the handler's own PutItem",
  'ours-atomic': 'this toolkit, idem.write',
  powertools: 'Powertools',
  'powertools-cache': 'Powertools, useLocalCache: true',
  'powertools-separate': "Powertools, the handler's own PutItem",
};

/** The table each library writes to: never the same one, so neither sees the other's records. */
export const TABLES = {
  ours: 'bench-ours',
  powertools: 'bench-powertools',
  raw: 'bench-raw-put',
  orders: 'bench-orders',
} as const;

/** A wrapped handler, as one warm Lambda container would hold it: its own client, its own call counter. */
export interface Contender {
  readonly id: ContenderId;
  readonly label: string;
  readonly invoke: Invoke;
  /** The handler it wraps (shared by "containers" of the same deployment). */
  readonly charge: FakeCharge;
  /** Absent for the bare handler, which makes no DynamoDB call. */
  readonly calls: CallCounter | undefined;
  readonly client: DynamoDBClient | undefined;
}

/** One order, a small item written only if new (as a business write is). */
function orderPut(orderId: string) {
  return {
    TableName: TABLES.orders,
    Item: { id: { S: orderId }, amount: { N: '1000' }, currency: { S: 'EUR' } },
    ConditionExpression: 'attribute_not_exists(id)',
  };
}

/** The handler's own `PutItem` of the order, between the claim and the completion. */
const ownPut =
  (client: DynamoDBClient): OrderWriter =>
  async (orderId) =>
    void (await client.send(new PutItemCommand(orderPut(orderId))));

/** The order handed to `idem.write`, committed with the completion in one transaction. */
const idemWrite: OrderWriter = async (orderId, idem) => idem!.write({ Put: orderPut(orderId) }, { marshalled: true });

/**
 * Builds one container of a variant against `endpoint`: a new client (counted), a new store or
 * persistence layer, and the wrapper around `charge.handler`, each library as its documentation sets it
 * up for API Gateway.
 */
export function createContender(id: ContenderId, endpoint: string, given?: FakeCharge): Contender {
  if (id === 'bare') {
    const charge = given ?? new FakeCharge();
    return { id, label: LABELS[id], invoke: charge.handler, charge, calls: undefined, client: undefined };
  }
  const client = localClient(endpoint);
  const calls = countCalls(client);
  const charge = given ?? new FakeCharge(id === 'ours-atomic' ? idemWrite : id.endsWith('-separate') ? ownPut(client) : undefined);
  const invoke: Invoke = id.startsWith('ours')
    ? idempotentHttp(charge.handler, {
        store: id === 'ours-atomic' ? transactionalStore(TABLES.ours, client) : new DynamoDbStore({ tableName: TABLES.ours, client }),
        ...(id === 'ours-cache' && { localCache: true }),
        ...(id === 'ours-nowait' && { inFlightWaitMs: 0 }),
      })
    : makeIdempotent(charge.handler, {
        persistenceStore: new DynamoDBPersistenceLayer({ tableName: TABLES.powertools, awsSdkV3Client: client }),
        config: powertoolsConfig(id === 'powertools-cache'),
      });
  return { id, label: LABELS[id], invoke, charge, calls, client };
}

/** The floor of any DynamoDB-backed handler: one unconditional `PutItem` of a small item, on its own client. */
export interface RawPut {
  readonly send: () => Promise<unknown>;
  readonly client: DynamoDBClient;
}

/** A raw `PutItem` against `TABLES.raw`, each with a new id. */
export function createRawPut(endpoint: string): RawPut {
  const client = localClient(endpoint);
  const send = () =>
    client.send(
      new PutItemCommand({
        TableName: TABLES.raw,
        Item: { id: { S: randomUUID() }, status: { S: 'COMPLETED' }, expiration: { N: String(Math.floor(Date.now() / 1000) + 86_400) } },
      }),
    );
  return { send, client };
}
