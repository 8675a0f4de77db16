import { randomUUID } from 'node:crypto';
import { typedCodec } from 'lambda-idempotency/codecs';
import { idempotent } from 'lambda-idempotency/durable';
import { DynamoDbStore, dynamoDbSteps } from 'lambda-idempotency/dynamodb';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import { durableOptions, runDurable, type OrderEvent } from '../../support/durable-fulfilment';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';

const client = testClient();
let store: DynamoDbStore;
beforeAll(async () => {
  store = new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client, steps: dynamoDbSteps() });
  // skipTime: the SDK's step retry delays pass at once, on the runner's fake clock.
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
});
afterAll(async () => {
  await LocalDurableTestRunner.teardownTestEnvironment();
  client.destroy();
});

describe('idem.step inside a durable execution, with a store that keeps steps', () => {
  it('runs only the steps that had not finished in a new execution after a failed one (the charge once)', async () => {
    const effects = { charge: 0, email: 0, mailDown: true };
    const handler = idempotent(async (_event: OrderEvent, _context, idem) => {
      const charge = await idem.step('charge', async () => `c-${++effects.charge}`);
      const email = await idem.step('email', async () => {
        if (effects.mailDown) throw new Error('the mail server is down');
        return `e-${++effects.email}`;
      });
      return { charge, email };
    }, durableOptions(store));
    const event = { id: randomUUID(), orderId: 'o-1' };
    const failed = await runDurable(handler, event);
    expect(failed.getStatus()).toBe('FAILED');
    effects.mailDown = false;
    const retried = await runDurable(handler, event);
    expect(retried.getStatus()).toBe('SUCCEEDED');
    expect(retried.getResult()).toEqual({ charge: 'c-1', email: 'e-1' });
    expect(effects).toMatchObject({ charge: 1, email: 1 });
  });

  it("gives a step's result back through the wrapper's codec (typedCodec: a Date stays a Date)", async () => {
    const seen: string[] = [];
    const handler = idempotent(
      async (_event: OrderEvent, _context, idem) => {
        const reserved = await idem.step('reserve', async () => ({ until: new Date('2026-12-06T00:00:00Z') }));
        seen.push(reserved.until instanceof Date ? 'Date' : typeof reserved.until);
        return reserved.until.toISOString();
      },
      durableOptions(store, { codec: typedCodec() }),
    );
    const result = await runDurable(handler, { id: randomUUID(), orderId: 'o-2' });
    expect(result.getStatus()).toBe('SUCCEEDED');
    expect(result.getResult()).toBe('2026-12-06T00:00:00.000Z');
    expect(seen).toEqual(['Date']);
  });
});
