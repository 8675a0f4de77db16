import { randomUUID } from 'node:crypto';
import { ErrorCode, idempotent as plainIdempotent } from 'lambda-idempotency';
import { typedCodec } from 'lambda-idempotency/codecs';
import { idempotent } from 'lambda-idempotency/durable';
import { DynamoDbStore, dynamoDbSteps } from 'lambda-idempotency/dynamodb';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import { durableOptions, metricLines, runDurable, type OrderEvent } from '../../support/durable-fulfilment';
import { freshIdempotencyTable, scanAll, testClient } from '../../support/dynamodb';
import { failWhen, faults } from '../../support/fault-injection';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';

const client = testClient();
let tableName: string;
let store: DynamoDbStore;
beforeAll(async () => {
  tableName = await freshIdempotencyTable(client);
  store = new DynamoDbStore({ tableName, client, steps: dynamoDbSteps() });
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

/** A step item's write: the conditional PutItem of a `STEP` item, not a claim's. */
const isStepPut = (command: string, input: Record<string, unknown>) =>
  command === 'PutItemCommand' && (input.Item as Record<string, { S?: string }> | undefined)?.status?.S === 'STEP';

/** Every step item in the table, as stored. */
const storedSteps = async () => (await scanAll(client, tableName)).filter((item) => item.status?.S === 'STEP');

describe('store faults around a durable step', () => {
  it('goes on with the checkpointed result when storing a finished step fails: the side effect runs once, the fault is logged and counted', async () => {
    const stop = failWhen(client, isStepPut, faults.serverError());
    try {
      const logger = recordingLogger();
      const metrics = metricLines();
      let charges = 0;
      const handler = idempotent(
        async (_event: OrderEvent, _context, idem) => idem.step('charge', async () => `c-${++charges}`),
        durableOptions(store, { logger, metrics: { emit: metrics.emit } }),
      );
      const before = (await storedSteps()).length;
      const result = await runDurable(handler, { id: randomUUID(), orderId: 'o-3' });
      expect(result.getStatus()).toBe('SUCCEEDED');
      expect(result.getResult()).toBe('c-1');
      expect(charges).toBe(1);
      expect(logger.warnings.filter((warning) => warning.message === 'The store failed (store the step).')).toHaveLength(1);
      expect(metrics.total('StoreErrors')).toBe(1);
      expect(await storedSteps()).toHaveLength(before); // the fault is real: nothing of the step was stored
    } finally {
      stop();
    }
  });

  it('fails the attempt when reading the step fails, before anything ran: the SDK retries the step, and the side effect runs once', async () => {
    let reads = 0;
    // Every step read is seen (`times` is never reached), the first one fails.
    const stop = failWhen(
      client,
      (command) => command === 'GetItemCommand' && ++reads === 1,
      faults.serverError(),
      Number.POSITIVE_INFINITY,
    );
    try {
      let charges = 0;
      const handler = idempotent(
        async (_event: OrderEvent, _context, idem) => idem.step('charge', async () => `c-${++charges}`),
        durableOptions(store),
      );
      const result = await runDurable(handler, { id: randomUUID(), orderId: 'o-4' });
      expect(result.getStatus()).toBe('SUCCEEDED');
      expect(result.getResult()).toBe('c-1');
      expect(charges).toBe(1);
      expect(reads).toBe(2); // the failed read, and the retried attempt's
    } finally {
      stop();
    }
  });
});

describe('a store that brings no step runner (no `capabilities.stepRunner`), though it has getStep and putStep', () => {
  const withoutRunner = () =>
    new Proxy(store, {
      get: (target, property, receiver) =>
        property === 'capabilities' ? { ...target.capabilities, stepRunner: undefined } : Reflect.get(target, property, receiver),
    });

  it('keeps the steps in the checkpoints alone, as the plain engine keeps none: a new execution after a failed one runs them again', async () => {
    const effects = { charge: 0, mailDown: true };
    const handler = idempotent(async (_event: OrderEvent, _context, idem) => {
      const charge = await idem.step('charge', async () => `c-${++effects.charge}`);
      if (effects.mailDown) throw new Error('the mail server is down');
      return charge;
    }, durableOptions(withoutRunner()));
    const event = { id: randomUUID(), orderId: 'o-5' };
    const before = (await storedSteps()).length;
    expect((await runDurable(handler, event)).getStatus()).toBe('FAILED');
    effects.mailDown = false;
    const retried = await runDurable(handler, event);
    expect(retried.getStatus()).toBe('SUCCEEDED');
    expect(retried.getResult()).toBe('c-2');
    expect(effects.charge).toBe(2);
    expect(await storedSteps()).toHaveLength(before);
  });

  it('is refused by the plain idempotent, which asks the same capability', async () => {
    const handler = plainIdempotent(async (_event: { key: string }, _context, idem) => idem.step('charge', async () => 1), {
      store: withoutRunner(),
      key: (event) => event.key,
      logger: recordingLogger(),
    });
    await expect(handler({ key: randomUUID() }, lambdaContext())).rejects.toMatchObject({ code: ErrorCode.stepInvalid });
  });
});
