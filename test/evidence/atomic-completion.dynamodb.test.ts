import { randomUUID } from 'node:crypto';
import { DynamoDBClient, TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { idempotent, type BusinessWrite, type IdempotencyContext } from '../../lib/idempotency';
import { DynamoDbStore } from '../../lib/idempotency/dynamodb';
import { dynamoDbTransactions } from '../../lib/idempotency/dynamodb-transactions';
import { LOCAL_CLIENT_CONFIG } from '../../lib/local/dynamodb-local';
import { createLedgerTable } from '../../lib/local/tables';
import { freshIdempotencyTable, localEndpoint, scanAll, testClient } from '../support/dynamodb';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy';
import { lambdaContext } from '../support/lambda-context';

/**
 * Atomic completion against DynamoDB Local with the real SDK: a takeover race where the late invocation commits
 * nothing, and faults on the wire at the one TransactWriteItems (its answer lost, a reset, a timeout, an outage),
 * each followed by the exact contents of both tables.
 */

const REQUEST_TIMEOUT_MS = 400;
const direct = testClient();
let proxy: FaultProxy;
let idempotencyTable: string;
let ledgerTable: string;
const clients: DynamoDBClient[] = [];

beforeAll(async () => {
  proxy = await startFaultProxy(localEndpoint());
});
beforeEach(async () => {
  idempotencyTable = await freshIdempotencyTable(direct);
  ledgerTable = `ledger-${randomUUID()}`;
  await createLedgerTable(direct, ledgerTable);
});
afterEach(() => {
  proxy.restore();
  for (const client of clients.splice(0)) client.destroy();
});
afterAll(async () => {
  await proxy.close();
  direct.destroy();
});

/** What each `TransactWriteItems` send ended with, after the SDK's own retries: `ok` or the error's name. */
let transactionAnswers: string[] = [];

function proxiedClient(maxAttempts?: number): DynamoDBClient {
  const client = new DynamoDBClient({
    ...LOCAL_CLIENT_CONFIG,
    ...(maxAttempts && { maxAttempts }),
    endpoint: proxy.endpoint,
    requestHandler: new NodeHttpHandler({ requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true }),
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
      try {
        const result = await next(args);
        transactionAnswers.push('ok');
        return result;
      } catch (error) {
        transactionAnswers.push((error as Error).name);
        throw error;
      }
    },
    { step: 'initialize', name: 'transactionAnswers' },
  );
  clients.push(client);
  return client;
}

const quiet = { logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } };
const ledger = async () =>
  (await scanAll(direct, ledgerTable)).map((item) => unmarshall(item)).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
const records = async () => (await scanAll(direct, idempotencyTable)).map((item) => unmarshall(item));

/** The order and a counter of every commit that ever landed on it: exact counts afterwards. */
const orderWrites = (order: string, by: string): BusinessWrite[] => [
  { Put: { TableName: ledgerTable, Item: { pk: order, sk: 'ORDER', by } } },
  {
    Update: {
      TableName: ledgerTable,
      Key: { pk: order, sk: 'COMMITS' },
      UpdateExpression: 'SET n = if_not_exists(n, :zero) + :one',
      ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
    },
  },
];

function orderFunction(options: { client: DynamoDBClient; now?: () => number; by: string; pause?: () => Promise<void> | void }) {
  const state = { runs: 0 };
  const handler = idempotent(
    async (event: { order: string }, _context, idem: IdempotencyContext) => {
      state.runs++;
      for (const write of orderWrites(event.order, options.by)) idem.write(write);
      await options.pause?.();
      return { order: event.order, by: options.by };
    },
    {
      store: new DynamoDbStore({ tableName: idempotencyTable, client: options.client, transactions: dynamoDbTransactions() }),
      key: (event) => event.order,
      ...(options.now && { now: options.now }),
      ...quiet,
    },
  );
  return { handler, state };
}

describe('a takeover race', () => {
  it("commits nothing of the invocation whose lease was taken over: the new owner's order, counter and record stand", async () => {
    const order = `order-${randomUUID()}`;
    let open = () => undefined as void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const late = orderFunction({ client: direct, by: 'late', pause: () => gate });
    const lateRun = late.handler({ order }, lambdaContext(500)).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    while (late.state.runs === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // The second invocation's clock is a minute on: the first one's lease (its 0.5 s left plus the margin) has ended.
    const owner = orderFunction({ client: direct, by: 'owner', now: () => Date.now() + 60_000 });
    expect(await owner.handler({ order }, lambdaContext(10_000))).toEqual({ order, by: 'owner' });
    open();
    expect(await lateRun).toEqual({ error: expect.objectContaining({ code: 'IDEMPOTENCY_LEASE_LOST' }) });
    expect(await ledger()).toEqual([
      { pk: order, sk: 'COMMITS', n: 1 },
      { pk: order, sk: 'ORDER', by: 'owner' },
    ]);
    expect(await records()).toEqual([expect.objectContaining({ status: 'COMPLETED', result: JSON.stringify({ order, by: 'owner' }) })]);
    expect(late.state.runs + owner.state.runs).toBe(2);
  });
});

const faults: Record<string, Fault> = {
  'its answer lost after it landed': { kind: 'lost-response' },
  'a reset before it was sent': { kind: 'reset-before' },
  'its answer held past the request timeout': { kind: 'delay', ms: REQUEST_TIMEOUT_MS * 3 },
  // Longer than the SDK's own three attempts, shorter than the engine's settle retries.
  'an outage of one second': { kind: 'outage', ms: 1_000 },
};

describe.each(Object.entries(faults))('the commit meets %s', (_name, fault) => {
  it('lands exactly once: one run, the order and its counter once, the record completed, the caller answered', async () => {
    const order = `order-${randomUUID()}`;
    const fn = orderFunction({ client: proxiedClient(), by: 'first' });
    transactionAnswers = [];
    const applied = proxy.inject({ operation: 'TransactWriteItems', fault });
    const seenBefore = proxy.seen.TransactWriteItems ?? 0;
    expect(await fn.handler({ order }, lambdaContext(10_000))).toEqual({ order, by: 'first' });
    await applied;
    expect(fn.state.runs).toBe(1);
    expect((proxy.seen.TransactWriteItems ?? 0) - seenBefore).toBeGreaterThanOrEqual(2); // the fault, then a retry
    // Every retry of a transaction that had landed was answered as a success (its ClientRequestToken), not
    // cancelled by the fence: no TransactionCanceledException reached the store.
    expect(transactionAnswers.filter((answer) => answer !== 'ok' && answer !== 'TimeoutError' && answer !== 'Error')).toEqual([]);
    expect(transactionAnswers.at(-1)).toBe('ok');
    expect(await ledger()).toEqual([
      { pk: order, sk: 'COMMITS', n: 1 },
      { pk: order, sk: 'ORDER', by: 'first' },
    ]);
    expect(await records()).toEqual([expect.objectContaining({ status: 'COMPLETED', result: JSON.stringify({ order, by: 'first' }) })]);
    expect(await orderFunction({ client: direct, by: 'duplicate' }).handler({ order }, lambdaContext())).toEqual({ order, by: 'first' });
  });
});

describe("the engine's own retry of a commit whose answer was lost", () => {
  it('is answered by DynamoDB as the success it was (the token derived from the lease), not cancelled by the fence, and applies once', async () => {
    // The SDK fills in a token of its own for its own retries; with them off, the engine's retry is a new
    // request, and only the lease-derived token makes DynamoDB recognise it.
    const order = `order-${randomUUID()}`;
    const fn = orderFunction({ client: proxiedClient(1), by: 'first' });
    transactionAnswers = [];
    const applied = proxy.inject({ operation: 'TransactWriteItems', fault: { kind: 'lost-response' } });
    expect(await fn.handler({ order }, lambdaContext(10_000))).toEqual({ order, by: 'first' });
    await applied;
    expect(transactionAnswers).toEqual([expect.not.stringMatching(/^(ok|TransactionCanceledException)$/), 'ok']);
    expect(await ledger()).toEqual([
      { pk: order, sk: 'COMMITS', n: 1 },
      { pk: order, sk: 'ORDER', by: 'first' },
    ]);
  });
});

describe("an outage past the invocation's time", () => {
  it('writes nothing, leaves the record in progress until its lease ends, and tells the caller the store failed', async () => {
    const order = `order-${randomUUID()}`;
    const fn = orderFunction({ client: proxiedClient(), by: 'first', pause: () => proxy.outage() }); // after the claim, before the commit
    await expect(fn.handler({ order }, lambdaContext(2_500))).rejects.toMatchObject({ code: 'IDEMPOTENCY_STORE_FAILURE' });
    proxy.restore();
    expect(await ledger()).toEqual([]);
    expect(await records()).toEqual([expect.objectContaining({ status: 'IN_PROGRESS' })]);
  });
});

describe("DynamoDB's ClientRequestToken, which the commit derives from the lease token", () => {
  const bump = (pk: string): TransactWriteItem => ({
    Update: {
      TableName: ledgerTable,
      Key: { pk: { S: pk }, sk: { S: 'COMMITS' } },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
    },
  });

  it('makes a repeated transaction succeed again without applying twice', async () => {
    const pk = `token-${randomUUID()}`;
    const input = { TransactItems: [bump(pk)], ClientRequestToken: randomUUID() };
    await direct.send(new TransactWriteItemsCommand(input));
    await direct.send(new TransactWriteItemsCommand(input));
    expect(await ledger()).toEqual([{ pk, sk: 'COMMITS', n: 1 }]);
  });

  it('refuses the same token with other items (IdempotentParameterMismatchException)', async () => {
    const token = randomUUID();
    await direct.send(new TransactWriteItemsCommand({ TransactItems: [bump('a')], ClientRequestToken: token }));
    await expect(
      direct.send(new TransactWriteItemsCommand({ TransactItems: [bump('b')], ClientRequestToken: token })),
    ).rejects.toMatchObject({ name: 'IdempotentParameterMismatchException' });
  });
});
