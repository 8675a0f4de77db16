import { randomUUID } from 'node:crypto';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { idempotentHttp } from 'lambda-idempotency';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { localClient } from '../lib/local/dynamodb-local';
import { countCalls } from '../test/support/call-counter';
import { FakeCharge } from './charge';

/** Counts the DynamoDB commands one client sends, by command name. */
export type CallCounter = ReturnType<typeof countCalls>;

/** One Lambda handler under test: `(event, context) => response`. */
export type Invoke = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/**
 * The variants compared. `-cache` ones keep completed records in the container's memory; `ours-nowait`
 * (`inFlightWaitMs: 0`) answers an in-flight duplicate at once, as Powertools does, and is shown for
 * information only: the targets are judged on the defaults.
 */
export type ContenderId = 'bare' | 'ours' | 'ours-cache' | 'ours-nowait' | 'powertools' | 'powertools-cache';

/** The library behind a variant. */
export type Library = 'bare' | 'ours' | 'powertools';

/** Human names, as the report prints them. */
export const LABELS: Readonly<Record<ContenderId, string>> = {
  bare: 'bare handler (no idempotency)',
  ours: 'this toolkit',
  'ours-cache': 'this toolkit, localCache: true',
  'ours-nowait': 'this toolkit, inFlightWaitMs: 0',
  powertools: 'Powertools',
  'powertools-cache': 'Powertools, useLocalCache: true',
};

/** The Powertools variant each of ours is compared with. */
export const PEER_OF: Readonly<Partial<Record<ContenderId, ContenderId>>> = {
  ours: 'powertools',
  'ours-cache': 'powertools-cache',
  'ours-nowait': 'powertools',
};

/** Whether a variant's figures count towards the targets (defaults, and the documented local cache). */
export const JUDGED: ReadonlySet<ContenderId> = new Set(['ours', 'ours-cache']);

/** The table each library writes to: never the same one, so neither sees the other's records. */
export const TABLES = {
  ours: 'bench-ours',
  powertools: 'bench-powertools',
  raw: 'bench-raw-put',
} as const;

/** A wrapped handler, as one warm Lambda container would hold it: its own client, its own call counter. */
export interface Contender {
  readonly id: ContenderId;
  readonly library: Library;
  readonly label: string;
  readonly invoke: Invoke;
  /** The handler it wraps (shared by "containers" of the same deployment). */
  readonly charge: FakeCharge;
  /** Absent for the bare handler, which makes no DynamoDB call. */
  readonly calls: CallCounter | undefined;
  readonly client: DynamoDBClient | undefined;
}

/** Where the contenders' tables live. */
export interface BenchDatabase {
  readonly endpoint: string;
}

/**
 * Builds one container of a variant: a new client (counted), a new store or persistence layer, and the
 * wrapper around `charge.handler`, each library as its documentation sets it up for API Gateway.
 */
export function createContender(id: ContenderId, database: BenchDatabase, charge = new FakeCharge()): Contender {
  const library: Library = id === 'bare' ? 'bare' : id.startsWith('ours') ? 'ours' : 'powertools';
  if (library === 'bare') {
    return { id, library, label: LABELS[id], invoke: charge.handler, charge, calls: undefined, client: undefined };
  }
  const client = localClient(database.endpoint);
  const calls = countCalls(client);
  const cache = id.endsWith('-cache');
  const invoke: Invoke =
    library === 'ours'
      ? idempotentHttp(charge.handler, {
          store: new DynamoDbStore({ tableName: TABLES.ours, client }),
          ...(cache && { localCache: true }),
          ...(id === 'ours-nowait' && { inFlightWaitMs: 0 }),
        })
      : makeIdempotent(charge.handler, {
          persistenceStore: new DynamoDBPersistenceLayer({ tableName: TABLES.powertools, awsSdkV3Client: client }),
          config: new IdempotencyConfig({
            eventKeyJmesPath: 'headers."idempotency-key"',
            payloadValidationJmesPath: 'body',
            // As close to this toolkit's defaults as Powertools allows: a request without a key is an
            // error (not run unprotected), and records are kept 24 h (Powertools' default is 1 h).
            throwOnNoIdempotencyKey: true,
            expiresAfterSeconds: 86_400,
            useLocalCache: cache,
          }),
        });
  return { id, library, label: LABELS[id], invoke, charge, calls, client };
}

/** The floor of any DynamoDB-backed handler: one unconditional `PutItem` of a small item, on its own client. */
export interface RawPut {
  readonly send: () => Promise<unknown>;
  readonly client: DynamoDBClient;
}

/** A raw `PutItem` against `TABLES.raw`, each with a new id. */
export function createRawPut(database: BenchDatabase): RawPut {
  const client = localClient(database.endpoint);
  const send = () =>
    client.send(
      new PutItemCommand({
        TableName: TABLES.raw,
        Item: { id: { S: randomUUID() }, status: { S: 'COMPLETED' }, expiration: { N: String(Math.floor(Date.now() / 1000) + 86_400) } },
      }),
    );
  return { send, client };
}
