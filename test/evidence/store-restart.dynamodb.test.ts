import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { idempotentHttp, type HttpResponse } from '../../lib/idempotency';
import { DynamoDbStore } from '../../lib/idempotency/dynamodb';
import { localClient, startDynamoDbLocal, type DynamoDbLocal } from '../../lib/local/dynamodb-local';
import { createIdempotencyTable } from '../../lib/local/tables';
import { httpEvent } from '../support/api-gateway-fixtures';
import { lambdaContext } from '../support/lambda-context';

/** DynamoDB Local itself killed and started again on the same port, its data on disk, in the middle of a run. */

const dbPath = mkdtempSync(join(tmpdir(), 'dynamodb-restart-'));
let local: DynamoDbLocal | undefined;
afterAll(async () => {
  await local?.stop();
  rmSync(dbPath, { recursive: true, force: true });
});

it('answers 503 + Retry-After while DynamoDB is down, runs nothing twice, and the same client serves normally once it is back', async () => {
  local = await startDynamoDbLocal({ dbPath, timeoutMs: 90_000 }); // generous: a JVM start on a busy two-core machine
  const port = Number(new URL(local.endpoint).port);
  const client = localClient(local.endpoint); // one client for the whole run, as a warm Lambda container keeps it
  const tableName = `restart-${randomUUID()}`;
  await createIdempotencyTable(client, tableName);
  let runs = 0;
  const handler = idempotentHttp(async () => ({ statusCode: 201, body: `pay_${++runs}` }), {
    store: new DynamoDbStore({ tableName, client }),
    operation: 'payments',
    logger: { warn: () => undefined },
  });
  const pay = (key: string) =>
    handler(httpEvent({ headers: [['Idempotency-Key', key]], body: '{}' }), lambdaContext()) as Promise<HttpResponse>;
  const before = randomUUID();
  expect(await pay(before)).toMatchObject({ statusCode: 201, body: 'pay_1' });

  await local.stop();
  const during = randomUUID();
  for (const key of [before, during]) {
    const answer = await pay(key);
    expect(answer).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '2' } });
  }
  expect(runs).toBe(1);

  local = await startDynamoDbLocal({ dbPath, port, timeoutMs: 90_000 });
  expect(await pay(before)).toMatchObject({ statusCode: 201, body: 'pay_1', headers: { 'Idempotent-Replayed': 'true' } });
  expect(await pay(during)).toMatchObject({ statusCode: 201, body: 'pay_2' });
  expect(await pay(during)).toMatchObject({ statusCode: 201, body: 'pay_2', headers: { 'Idempotent-Replayed': 'true' } });
  expect(runs).toBe(2);
  client.destroy();
}, 240_000);
