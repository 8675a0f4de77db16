/**
 * Part of `npm run bench` (alone: `TSX_TSCONFIG_PATH=bench/tsconfig.runtime.json npx tsx bench/own-cpu.ts` after
 * `npm run build`): each library's own CPU per first execution, with the network and the database taken away. Both
 * wrap the same fake charge, on a `DynamoDBClient` whose transport answers every call at once with `{}` (a claim that
 * lands, a completion that lands), so what is left is the library's work plus the SDK's serialising and signing of the
 * calls it makes. A raw `PutItem` through the same transport is the floor. Interleaved rounds, `process.cpuUsage()`,
 * median of the rounds: far less noise than wall clock against DynamoDB Local, whose JVM dominates the loopback profile.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { idempotentHttp } from 'lambda-idempotency';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { invocationContext, paymentEvent } from './charge';
import { powertoolsConfig } from './entries/powertools-config';
import { table } from './markdown';

const ROUNDS = 7;
const CALLS = 2_000;

/** A client whose every call succeeds at once with an empty answer: no socket, no database. */
const instantClient = () =>
  new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: {
      handle: async () => ({
        response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from('{}')]) },
      }),
    } as never,
  });

const charge = async (_event: APIGatewayProxyEventV2, _context: Context) => ({
  statusCode: 201,
  body: JSON.stringify({ id: randomUUID() }),
});
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function cpuMicros(call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await call(); // warm up
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await call();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / CALLS;
}

/** CPU µs per call of a raw PutItem, and of each library's first execution (median of interleaved rounds). */
export interface OwnCpu {
  readonly rawPutItem: number;
  readonly ours: number;
  readonly powertools: number;
}

/** Measures `OwnCpu`. Metrics and logs are off on both sides (neither is told it runs in Lambda). */
export async function measureOwnCpu(): Promise<OwnCpu> {
  const raw = instantClient();
  const ours = idempotentHttp(charge, { store: new DynamoDbStore({ tableName: 'bench-ours', client: instantClient() }) });
  const powertools = makeIdempotent(charge, {
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: 'bench-powertools', awsSdkV3Client: instantClient() }),
    config: powertoolsConfig(),
  });
  const series = {
    rawPutItem: () => raw.send(new PutItemCommand({ TableName: 'bench-raw-put', Item: { id: { S: randomUUID() } } })),
    ours: () => ours(paymentEvent(randomUUID()), invocationContext()),
    powertools: () => powertools(paymentEvent(randomUUID()), invocationContext()),
  };
  const samples: Record<keyof OwnCpu, number[]> = { rawPutItem: [], ours: [], powertools: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(series) as (keyof OwnCpu)[]) samples[name].push(await cpuMicros(series[name]));
  }
  return { rawPutItem: median(samples.rawPutItem), ours: median(samples.ours), powertools: median(samples.powertools) };
}

/** The measurement as a Markdown table. */
export function ownCpuTable(cpu: OwnCpu): string {
  const row = (name: string, micros: number) => [name, micros.toFixed(1), (micros / cpu.rawPutItem).toFixed(2)];
  return table(
    ['first execution, transport answering at once', 'CPU µs per call', '÷ raw PutItem'],
    [row('raw PutItem (floor)', cpu.rawPutItem), row('this toolkit', cpu.ours), row('Powertools', cpu.powertools)],
  );
}

if (require.main === module) {
  measureOwnCpu().then((cpu) => process.stdout.write(`${ownCpuTable(cpu)}\n`));
}
