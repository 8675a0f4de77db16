import { randomUUID } from 'node:crypto';
import type { DurableContext } from '@aws/durable-execution-sdk-js';
import { ErrorCode, IdempotencyStepInvalidError, idempotent as plainIdempotent } from 'lambda-idempotency';
import { idempotent } from 'lambda-idempotency/durable';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import { scopedId } from '../../../lib/idempotency/core/scoped-key';
import { durableOptions, fulfilment, metricLines, runDurable, type OrderEvent } from '../../support/durable-fulfilment';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';

const client = testClient();
let store: DynamoDbStore;
beforeAll(async () => {
  store = new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client });
  // skipTime: waits and retry delays pass at once, on the runner's fake clock.
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
});
afterAll(async () => {
  await LocalDurableTestRunner.teardownTestEnvironment();
  client.destroy();
});

describe('idempotent inside withDurableExecution', () => {
  it('gives a second execution of the same event the first result, and runs nothing', async () => {
    const metrics = metricLines();
    const { effects, body } = fulfilment(1);
    const handler = idempotent(body, durableOptions(store, { metrics: { emit: metrics.emit } }));
    const event = { id: randomUUID(), orderId: 'o-2' };
    const first = await runDurable(handler, event);
    const second = await runDurable(handler, event);
    expect(second.getStatus()).toBe('SUCCEEDED');
    expect(second.getResult()).toEqual(first.getResult());
    expect(effects).toMatchObject({ reserve: 1, charge: 1, email: 1 });
    expect(metrics.total('Claimed')).toBe(1);
    expect(metrics.total('Replayed')).toBe(1);
  });

  it('refuses a second execution of the same id with another payload, and runs nothing', async () => {
    const { effects, body } = fulfilment(0);
    const handler = idempotent(body, durableOptions(store));
    const id = randomUUID();
    await runDurable(handler, { id, orderId: 'o-3' });
    const second = await runDurable(handler, { id, orderId: 'o-other' });
    expect(second.getStatus()).toBe('FAILED');
    expect(second.getError().errorType).toBe('IdempotencyPayloadMismatchError');
    expect(effects).toMatchObject({ reserve: 1, charge: 1, email: 1 });
  });

  it('re-runs only step 3 when a run dies inside it after steps 1 and 2, with the SDK retrying the step', async () => {
    const { effects, body } = fulfilment(4, { name: 'email', attempts: 1 });
    const result = await runDurable(idempotent(body, durableOptions(store)), { id: randomUUID(), orderId: 'o-4' });
    expect(result.getStatus()).toBe('SUCCEEDED');
    expect(effects).toEqual({ reserve: 1, charge: 1, email: 1, attempts: 2 });
  });

  it('releases the claim when the execution fails, so a new execution of the same event runs', async () => {
    const operation = `fail-${randomUUID()}`;
    let runs = 0;
    const handler = idempotent(
      async (_event: OrderEvent, _context, idem) => {
        await idem.step('charge', async () => ++runs);
        if (runs === 1) throw new Error('the mail server is down');
        return 'done';
      },
      durableOptions(store, { operation }),
    );
    const event = { id: randomUUID(), orderId: 'o-6' };
    const failed = await runDurable(handler, event);
    expect(failed.getStatus()).toBe('FAILED');
    expect(failed.getError().errorMessage).toBe('the mail server is down');
    expect(await store.get(scopedId(operation, undefined, event.id))).toBeUndefined();
    const retried = await runDurable(handler, event);
    expect(retried.getStatus()).toBe('SUCCEEDED');
    expect(runs).toBe(2);
  });

  it('fails the execution on a step result over the checkpoint limit, stores nothing of it, and releases the claim', async () => {
    const operation = `large-${randomUUID()}`;
    const handler = idempotent(
      async (_event: OrderEvent, _context, idem) => idem.step('report', async () => 'x'.repeat(300 * 1024)),
      durableOptions(store, { operation }),
    );
    const event = { id: randomUUID(), orderId: 'o-7' };
    const result = await runDurable(handler, event);
    expect(result.getStatus()).toBe('FAILED');
    expect(result.getError().errorType).toBe('IdempotencyStepInvalidError');
    expect(await store.get(scopedId(operation, undefined, event.id))).toBeUndefined();
  });

  it('refuses the plain idempotent inside withDurableExecution, pointing to the durable entry', async () => {
    const handler = plainIdempotent(async () => 'ran', { store, key: () => 'k' }) as unknown as (
      event: OrderEvent,
      context: DurableContext,
    ) => Promise<unknown>;
    const result = await runDurable(handler, { id: randomUUID(), orderId: 'o-9' });
    expect(result.getStatus()).toBe('FAILED');
    expect(result.getError().errorMessage).toContain('lambda-idempotency/durable');
  });

  it('refuses options without the execution timeout, naming it', () => {
    expect(() => idempotent(async () => 1, { store } as never)).toThrow(
      new TypeError('Expected `executionTimeoutSeconds` to be a positive integer, got undefined'),
    );
    expect(() => idempotent(async () => 1, { store, executionTimeoutSeconds: 86_400 * 2, expiresAfterSeconds: 3_600 })).toThrow(
      /expiresAfterSeconds/,
    );
    expect(new IdempotencyStepInvalidError('x').code).toBe(ErrorCode.stepInvalid);
  });
});
