import { randomUUID } from 'node:crypto';
import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { idempotent } from 'lambda-idempotency/durable';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { dynamoDbTransactions } from 'lambda-idempotency/dynamodb-transactions';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import { scopedId } from '../../../lib/idempotency/core/scoped-key';
import { durableOptions, runDurable, type OrderEvent } from '../../support/durable-fulfilment';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';
import { failNext, faults } from '../../support/fault-injection';

const client = testClient();
let ledger: string;
beforeAll(async () => {
  ledger = `ledger-${randomUUID()}`;
  await client.send(
    new CreateTableCommand({
      TableName: ledger,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // skipTime: the SDK's step retry delays pass at once, on the runner's fake clock.
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
});
afterAll(async () => {
  await LocalDurableTestRunner.teardownTestEnvironment();
  client.destroy();
});

const transactional = async () =>
  new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client, transactions: dynamoDbTransactions() });

/** A debit whose ledger row exists already: its condition fails at the commit, as it would for a second debit. */
async function refusedDebit(onConditionFailure: 'store' | 'release') {
  const orderId = `o-${randomUUID()}`;
  await client.send(new PutItemCommand({ TableName: ledger, Item: { pk: { S: orderId }, amount: { N: '1999' } } }));
  let runs = 0;
  const body = async (_event: OrderEvent, _context: unknown, idem: { write: (write: unknown, options: unknown) => void }) => {
    runs++;
    idem.write(
      { Put: { TableName: ledger, Item: { pk: orderId, amount: 1999 }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { name: 'debit', onConditionFailure },
    );
    return { debited: true };
  };
  return { body, runs: () => runs };
}

describe('the durable idempotent settles as the plain one does', () => {
  it('fails the execution with IdempotencyWriteConditionError when a write is refused, and replays the stored refusal', async () => {
    const store = await transactional();
    const debit = await refusedDebit('store');
    const handler = idempotent(debit.body as never, durableOptions(store));
    const event = { id: randomUUID(), orderId: 'o-1' };
    const first = await runDurable(handler, event);
    expect(first.getStatus()).toBe('FAILED');
    expect(first.getError().errorType).toBe('IdempotencyWriteConditionError');
    const second = await runDurable(handler, event);
    expect(second.getStatus()).toBe('FAILED');
    expect(second.getError().errorType).toBe('IdempotencyWriteConditionError');
    expect(debit.runs()).toBe(1);
  });

  it('fails the execution with IdempotencyWriteConditionError when a refused write releases the key, so a new execution runs', async () => {
    const store = await transactional();
    const debit = await refusedDebit('release');
    const options = durableOptions(store);
    const event = { id: randomUUID(), orderId: 'o-2' };
    const first = await runDurable(idempotent(debit.body as never, options), event);
    expect(first.getStatus()).toBe('FAILED');
    expect(first.getError().errorType).toBe('IdempotencyWriteConditionError');
    expect(await store.get(scopedId(options.operation!, undefined, event.id))).toBeUndefined();
  });

  it('releases the key through a store outage longer than the settlement retries, by failing the step for the SDK to retry', async () => {
    const faulty = testClient();
    const store = new DynamoDbStore({ tableName: await freshIdempotencyTable(faulty), client: faulty });
    let runs = 0;
    const options = durableOptions(store, { sleep: async () => {} });
    // The handler replays from the top on every invocation: only what its steps checkpoint is fixed.
    const handler = idempotent(async (event: OrderEvent, _context, idem) => {
      if (await idem.step('charge', async () => ++runs === 1)) throw new Error('the PSP declined: try again');
      return { paid: event.orderId };
    }, options);
    const event = { id: randomUUID(), orderId: 'o-3' };
    // Ten failed deletes: more than one invocation's settlement retries, fewer than the SDK's step attempts allow.
    const stop = failNext(faulty, 'DeleteItemCommand', faults.throttling(), 10);
    try {
      const failed = await runDurable(handler, event);
      expect(failed.getStatus()).toBe('FAILED');
      expect(failed.getError().errorMessage).toBe('the PSP declined: try again');
      expect(await store.get(scopedId(options.operation!, undefined, event.id))).toBeUndefined();
      const retried = await runDurable(handler, event);
      expect(retried.getStatus()).toBe('SUCCEEDED');
      expect(runs).toBe(2);
    } finally {
      stop();
      faulty.destroy();
    }
  });

  it('stores the result through a store outage longer than the settlement retries, so a duplicate replays it', async () => {
    const faulty = testClient();
    const store = new DynamoDbStore({ tableName: await freshIdempotencyTable(faulty), client: faulty });
    let runs = 0;
    const handler = idempotent(
      async (event: OrderEvent, _context, idem) => ({ paid: event.orderId, run: await idem.step('charge', async () => ++runs) }),
      durableOptions(store, { sleep: async () => {} }),
    );
    const event = { id: randomUUID(), orderId: 'o-4' };
    const stop = failNext(faulty, 'UpdateItemCommand', faults.throttling(), 10);
    try {
      const first = await runDurable(handler, event);
      expect(first.getStatus()).toBe('SUCCEEDED');
      const second = await runDurable(handler, event);
      expect(second.getStatus()).toBe('SUCCEEDED');
      expect(second.getResult()).toEqual({ paid: 'o-4', run: 1 });
      expect(runs).toBe(1);
    } finally {
      stop();
      faulty.destroy();
    }
  });
});
