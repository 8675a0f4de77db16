import { randomUUID } from 'node:crypto';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { idempotentHttp, type IdempotencyContext } from '../lib/idempotency';
import { DynamoDbStore } from '../lib/idempotency/dynamodb';
import { localClient } from '../lib/local/dynamodb-local';
import { countCalls } from '../test/support/call-counter';
import { invocationContext, paymentEvent } from './charge';
import { TABLES, type BenchDatabase } from './contenders';
import { summarize, type Summary } from './stats';

/** The business table the handler writes its order to (partition key `id`, like the idempotency tables). */
export const ORDERS_TABLE = 'bench-orders';

/** The scenario's variants: one order written by the handler, beside the idempotency record. */
export type BusinessWriteVariant = 'ours-atomic' | 'ours-separate' | 'powertools';

export const BUSINESS_WRITE_LABELS: Readonly<Record<BusinessWriteVariant, string>> = {
  'ours-atomic': 'this toolkit, idem.write (one transaction)',
  'ours-separate': "this toolkit, the handler's own PutItem",
  powertools: "Powertools, the handler's own PutItem",
};

/** What one variant cost on a first execution. */
export interface BusinessWriteRow {
  readonly variant: BusinessWriteVariant;
  /** DynamoDB requests of one first execution, by command. */
  readonly commands: Readonly<Record<string, number>>;
  readonly roundTrips: number;
  /** Write capacity units DynamoDB Local reports for one first execution (`ReturnConsumedCapacity: TOTAL`). */
  readonly writeUnits: number;
  readonly latency: Summary;
  /** Timed invocations that did not answer 201 or left no order. */
  readonly unexpected: number;
}

const order = (id: string) => ({ id: { S: id }, amount: { N: '1000' }, currency: { S: 'EUR' } });

/** Sums the write units every request of `client` consumed, asking DynamoDB to report them. */
function countWriteUnits(client: DynamoDBClient) {
  let units = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) units += entry.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', name: `writeUnits-${Math.random()}` },
  );
  return { get: () => units, reset: () => void (units = 0) };
}

function variant(id: BusinessWriteVariant, database: BenchDatabase) {
  const client = localClient(database.endpoint);
  const calls = countCalls(client);
  const units = countWriteUnits(client);
  const created = (orderId: string) => ({ statusCode: 201, body: JSON.stringify({ id: orderId }) });
  type Handler = (
    event: APIGatewayProxyEventV2,
    context: Context,
    idem?: IdempotencyContext,
  ) => Promise<{ statusCode: number; body: string }>;
  const handler: Handler = async (_event, _context, idem) => {
    const orderId = `order_${randomUUID()}`;
    if (id === 'ours-atomic')
      idem!.write(
        { Put: { TableName: ORDERS_TABLE, Item: order(orderId), ConditionExpression: 'attribute_not_exists(id)' } },
        { marshalled: true },
      );
    else
      await client.send(
        new PutItemCommand({ TableName: ORDERS_TABLE, Item: order(orderId), ConditionExpression: 'attribute_not_exists(id)' }),
      );
    return created(orderId);
  };
  const invoke =
    id === 'powertools'
      ? makeIdempotent(handler, {
          persistenceStore: new DynamoDBPersistenceLayer({ tableName: TABLES.powertools, awsSdkV3Client: client }),
          config: new IdempotencyConfig({
            eventKeyJmesPath: 'headers."idempotency-key"',
            payloadValidationJmesPath: 'body',
            throwOnNoIdempotencyKey: true,
            expiresAfterSeconds: 86_400,
          }),
        })
      : idempotentHttp(handler, { store: new DynamoDbStore({ tableName: TABLES.ours, client }) });
  return { id, client, calls, units, invoke: invoke as (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown> };
}

/**
 * "First execution with one business write": each variant runs `warmup + iterations` first executions
 * (a new key each), round-robin; one more, after the timing, is counted (requests and write units).
 */
export async function measureBusinessWrite(
  database: BenchDatabase,
  options: { iterations: number; warmup: number },
): Promise<BusinessWriteRow[]> {
  const variants = (['ours-atomic', 'ours-separate', 'powertools'] as const).map((id) => variant(id, database));
  const samples = new Map<BusinessWriteVariant, number[]>(variants.map((v) => [v.id, []]));
  const unexpected = new Map<BusinessWriteVariant, number>(variants.map((v) => [v.id, 0]));
  try {
    for (let round = 0; round < options.warmup + options.iterations; round++) {
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(round + i) % variants.length]!;
        const event = paymentEvent(randomUUID());
        const context = invocationContext();
        const started = performance.now();
        const response = (await v.invoke(event, context).catch(() => undefined)) as { statusCode?: number } | undefined;
        const ms = performance.now() - started;
        if (response?.statusCode !== 201) unexpected.set(v.id, unexpected.get(v.id)! + 1);
        if (round >= options.warmup) samples.get(v.id)!.push(ms);
      }
    }
    const rows: BusinessWriteRow[] = [];
    for (const v of variants) {
      v.calls.reset();
      v.units.reset();
      await v.invoke(paymentEvent(randomUUID()), invocationContext());
      rows.push({
        variant: v.id,
        commands: v.calls.counts,
        roundTrips: v.calls.total(),
        writeUnits: v.units.get(),
        latency: summarize(samples.get(v.id)!),
        unexpected: unexpected.get(v.id)!,
      });
    }
    return rows;
  } finally {
    for (const v of variants) v.client.destroy();
  }
}

/** The scenario's table for `results.md`: ratios against Powertools' median. */
export function renderBusinessWrite(rows: readonly BusinessWriteRow[]): string {
  const peer = rows.find((row) => row.variant === 'powertools')?.latency.median ?? NaN;
  const lines = [
    '## First execution with one business write',
    '',
    'The handler writes one order (a conditional put of a small item) beside the idempotency record. With `idem.write` the order and the',
    'stored response go in one `TransactWriteItems`; otherwise the handler sends its own `PutItem` between the claim and the completion.',
    'Write units as DynamoDB Local reports them (`ReturnConsumedCapacity: TOTAL`): a transaction costs two per item.',
    '',
    '| variant | DynamoDB round trips | requests | write units | median ms | p99 ms | median / Powertools | unexpected |',
    '|---|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const commands = Object.entries(row.commands)
      .map(([name, n]) => `${name.replace(/Command$/, '')} ${n}`)
      .join(', ');
    lines.push(
      `| ${BUSINESS_WRITE_LABELS[row.variant]} | ${row.roundTrips} | ${commands} | ${row.writeUnits} | ${row.latency.median.toFixed(2)} | ${row.latency.p99.toFixed(2)} | ${(row.latency.median / peer).toFixed(2)} | ${row.unexpected} |`,
    );
  }
  return lines.join('\n');
}
