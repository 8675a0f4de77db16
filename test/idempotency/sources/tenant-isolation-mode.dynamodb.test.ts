import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import {
  idempotencyOf,
  idempotent,
  idempotentHttp,
  idempotentMiddleware,
  idempotentSqs,
  idempotentWebhook,
  signWebhookPayload,
  type IdempotencyContext,
} from '../../../lib/idempotency';
import { scopedId } from '../../../lib/idempotency/core/scoped-key';
import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { httpEvent } from '../../support/api-gateway-fixtures';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';
import { sqsEvent, sqsRecord } from '../../support/sqs-fixtures';

/**
 * Lambda's tenant isolation mode puts the tenant in `context.tenantId`: every adapter scopes keys by it, so two
 * tenants sending the same key never meet, and without a tenant the stored id is what it always was.
 */

const dynamodb = testClient();
let store: DynamoDbStore;
beforeAll(async () => {
  store = new DynamoDbStore({ tableName: await freshIdempotencyTable(dynamodb, 'tenant-mode'), client: dynamodb });
});
afterAll(() => dynamodb.destroy());

const contextOf = (tenantId: string | undefined): Context => ({ ...lambdaContext(), ...(tenantId !== undefined && { tenantId }) });
const SECRET = 'whsec_tenant_mode';

/** One adapter: sends `key` as `tenant` would, and lists the `idem.key` of each run of its handler. */
type Adapter = (operation: string) => { send(tenant: string | undefined, key: string): Promise<unknown>; runs: string[] };

const ADAPTERS: [string, Adapter][] = [
  [
    'idempotent',
    (operation) => {
      const runs: string[] = [];
      const handler = idempotent(async (_event: { key: string }, _context, idem) => void runs.push(idem.key!), {
        store,
        operation,
        key: (event) => event.key,
        logger: recordingLogger(),
      });
      return { runs, send: (tenant, key) => handler({ key }, contextOf(tenant)) };
    },
  ],
  [
    'idempotentHttp',
    (operation) => {
      const runs: string[] = [];
      const handler = idempotentHttp(
        async (_event, _context, idem) => {
          runs.push(idem.key!);
          return { statusCode: 201, body: '{}' };
        },
        { store, operation, logger: recordingLogger() },
      );
      const event = (key: string) =>
        httpEvent({
          headers: [
            ['Idempotency-Key', key],
            ['Content-Type', 'application/json'],
          ],
          body: '{"a":1}',
        });
      return { runs, send: (tenant, key) => handler(event(key), contextOf(tenant)) };
    },
  ],
  [
    'idempotentSqs',
    (operation) => {
      const runs: string[] = [];
      const handler = idempotentSqs(async (_record, _context, idem) => void runs.push(idem.key!), {
        store,
        operation,
        logger: recordingLogger(),
      });
      return { runs, send: (tenant, key) => handler(sqsEvent([sqsRecord({ order: 1 }, { messageId: key })]), contextOf(tenant)) };
    },
  ],
  [
    'the middy middleware',
    (operation) => {
      const runs: string[] = [];
      const handler = middy<{ key: string }, string>(async (_event: { key: string }, context: Context) => {
        runs.push(idempotencyOf(context).key!);
        return 'ok';
      }).use(idempotentMiddleware<{ key: string }>({ store, operation, key: (event) => event.key, logger: recordingLogger() }));
      return { runs, send: (tenant, key) => handler({ key }, contextOf(tenant)) };
    },
  ],
  [
    'idempotentWebhook',
    (operation) => {
      const runs: string[] = [];
      const handler = idempotentWebhook<{ id: string }>(
        async (_payload, _event, _context, idem: IdempotencyContext) => void runs.push(idem.key!),
        { store, secret: SECRET, operation, logger: recordingLogger() },
      );
      const delivery = (key: string) => {
        const body = JSON.stringify({ id: key, type: 'payment_intent.succeeded', data: { object: {} } });
        return httpEvent({
          path: '/webhooks/stripe',
          resource: '/webhooks/stripe',
          headers: [
            ['Content-Type', 'application/json'],
            ['Stripe-Signature', signWebhookPayload(body, SECRET)],
          ],
          body,
        });
      };
      return { runs, send: (tenant, key) => handler(delivery(key), contextOf(tenant)) };
    },
  ],
];

describe.each(ADAPTERS)('%s in tenant isolation mode', (_name, adapter) => {
  it('keeps two tenants sending one key apart: each runs once, each replays its own', async () => {
    const fn = adapter(`tenants-${randomUUID()}`);
    const key = `evt_${randomUUID().replaceAll('-', '')}`;
    await fn.send('tenant-a', key);
    await fn.send('tenant-b', key);
    expect(fn.runs).toHaveLength(2);
    expect(new Set(fn.runs).size).toBe(2);
    await fn.send('tenant-a', key);
    await fn.send('tenant-b', key);
    expect(fn.runs).toHaveLength(2);
  });

  it('runs a key without a tenant apart from every tenant, as it did before tenant isolation mode', async () => {
    const fn = adapter(`tenants-${randomUUID()}`);
    const key = `evt_${randomUUID().replaceAll('-', '')}`;
    await fn.send(undefined, key);
    await fn.send('tenant-a', key);
    await fn.send(undefined, key);
    expect(fn.runs).toHaveLength(2);
  });
});

it('leaves the stored id of a request without a tenant unchanged', async () => {
  const fn = ADAPTERS[0]![1]('unchanged');
  await fn.send(undefined, `k-${randomUUID()}`);
  const key = `k-${randomUUID()}`;
  await fn.send(undefined, key);
  expect(fn.runs.at(-1)).toBe(scopedId('unchanged', undefined, key));
  expect(scopedId('unchanged', undefined, key, 'tenant-a')).not.toBe(scopedId('unchanged', undefined, key));
  expect(scopedId('unchanged', undefined, key, '')).toBe(scopedId('unchanged', undefined, key));
});
