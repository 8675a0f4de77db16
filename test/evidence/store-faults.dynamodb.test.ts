import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { ErrorCode, idempotent } from '../../lib/idempotency';
import { DynamoDbStore } from '../../lib/idempotency/dynamodb';
import { scopedId } from '../../lib/idempotency/core/scoped-key';
import { freshIdempotencyTable, testClient } from '../support/dynamodb';
import { failNext, faults } from '../support/fault-injection';
import { lambdaContext } from '../support/lambda-context';
import { recordingLogger } from '../support/silent-logger';

const faultKinds = Object.entries(faults);

describe('store faults with a mocked client (aws-sdk-client-mock)', () => {
  const client = new DynamoDBClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  const store = new DynamoDbStore({ tableName: 'unused', client });
  afterEach(() => mock.reset());
  afterAll(() => mock.restore());

  it.each(faultKinds)('does not run the handler when the claim fails (%s), and puts the SDK error in `cause`', async (_kind, make) => {
    const sdkError = make();
    mock.on(PutItemCommand).rejects(sdkError);
    let runs = 0;
    const wrapped = idempotent(async () => ++runs, { store, key: () => 'k', logger: recordingLogger() });
    const error = await wrapped({}, lambdaContext()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.storeFailure, cause: sdkError });
    expect(runs).toBe(0);
  });

  it('does not run the handler when reading the in-flight record fails while waiting', async () => {
    const conditionFailure = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
      Item: {
        id: { S: 'x' },
        status: { S: 'IN_PROGRESS' },
        leaseToken: { S: 't' },
        leaseExpiresAt: { N: String(Date.now() + 60_000) },
        expiration: { N: String(Math.floor(Date.now() / 1000) + 60) },
      },
    });
    const sdkError = faults.serverError();
    mock.on(PutItemCommand).rejects(conditionFailure);
    mock.on(GetItemCommand).rejects(sdkError);
    let runs = 0;
    const wrapped = idempotent(async () => ++runs, { store, key: () => 'k', inFlightWaitMs: 1_000, logger: recordingLogger() });
    await expect(wrapped({}, lambdaContext())).rejects.toMatchObject({ code: ErrorCode.storeFailure, cause: sdkError });
    expect(runs).toBe(0);
  });

  it('returns the result to the caller that ran the handler when completion fails, and says so in the log', async () => {
    mock.on(PutItemCommand).resolves({});
    mock.on(UpdateItemCommand).rejects(faults.throttling());
    const logger = recordingLogger();
    const wrapped = idempotent(async () => ({ charged: true }), { store, key: () => 'k', logger });
    await expect(wrapped({}, lambdaContext())).resolves.toEqual({ charged: true });
    expect(logger.warnings).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/stays in progress until its lease ends/) }),
    ]);
  });

  it("rethrows the handler's own error unchanged when the release fails", async () => {
    mock.on(PutItemCommand).resolves({});
    mock.on(DeleteItemCommand).rejects(faults.timeout());
    const own = new RangeError('amount too large');
    const wrapped = idempotent(async () => Promise.reject(own), { store, key: () => 'k', logger: recordingLogger() });
    await expect(wrapped({}, lambdaContext())).rejects.toBe(own);
  });
});

describe('store faults at a chosen call against DynamoDB Local', () => {
  const client = testClient();
  let store: DynamoDbStore;
  let clock: number;
  const now = () => clock;
  const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;

  beforeAll(async () => {
    store = new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client });
  });
  beforeEach(() => (clock = Date.now()));
  afterAll(() => client.destroy());

  async function statusOf(operation: string, key: string) {
    const record = await store.get(scopedId(operation, undefined, key));
    return record?.status;
  }

  it('leaves a record whose completion failed in progress only until its lease ends; then a retry runs (downstream keys make that safe)', async () => {
    const operation = `op-${randomUUID()}`;
    const downstreamKeys: string[] = [];
    const wrapped = idempotent(
      async (_e, _c, idem) => {
        downstreamKeys.push(idem.downstreamKey('charge'));
        return 'charged';
      },
      { store, operation, key: () => 'k', now, inFlightWaitMs: 0, logger: recordingLogger() },
    );
    const stop = failNext(client, 'UpdateItemCommand', faults.serverError(), Infinity); // the first try and every retry
    await expect(wrapped({}, context(2_000))).resolves.toBe('charged');
    stop();
    expect(await statusOf(operation, 'k')).toBe('IN_PROGRESS');

    clock += 2_000; // within the lease (2 s remaining + 1 s margin)
    await expect(wrapped({}, context(2_000))).rejects.toMatchObject({ code: ErrorCode.inProgress });
    clock += 1_001;
    await expect(wrapped({}, context(2_000))).resolves.toBe('charged');
    expect(await statusOf(operation, 'k')).toBe('COMPLETED');
    expect(downstreamKeys).toHaveLength(2);
    expect(downstreamKeys[0]).toBe(downstreamKeys[1]);
  });

  it('leaves a record whose release failed in progress only until its lease ends', async () => {
    const operation = `op-${randomUUID()}`;
    let runs = 0;
    const wrapped = idempotent(
      async () => {
        runs++;
        if (runs === 1) throw new Error('transient');
        return 'second';
      },
      { store, operation, key: () => 'k', now, inFlightWaitMs: 0, logger: recordingLogger() },
    );
    const stop = failNext(client, 'DeleteItemCommand', faults.connectionReset(), Infinity);
    await expect(wrapped({}, context(500))).rejects.toThrow('transient');
    stop();
    expect(await statusOf(operation, 'k')).toBe('IN_PROGRESS');
    await expect(wrapped({}, context(500))).rejects.toMatchObject({ code: ErrorCode.inProgress });
    clock += 1_501;
    await expect(wrapped({}, context(500))).resolves.toBe('second');
    expect(runs).toBe(2);
  });

  it.each([
    ['completion', 'UpdateItemCommand'],
    ['release', 'DeleteItemCommand'],
  ])('tries a %s that failed once again, so the key is settled at once', async (_step, command) => {
    const operation = `op-${randomUUID()}`;
    let runs = 0;
    const wrapped = idempotent(
      async () => {
        runs++;
        if (command === 'DeleteItemCommand' && runs === 1) throw new Error('transient');
        return `run ${runs}`;
      },
      { store, operation, key: () => 'k', now, inFlightWaitMs: 0, logger: recordingLogger() },
    );
    failNext(client, command, faults.throttling());
    await wrapped({}, context(2_000)).catch(() => undefined);
    expect(await statusOf(operation, 'k')).toBe(command === 'UpdateItemCommand' ? 'COMPLETED' : undefined);
    await expect(wrapped({}, context(2_000))).resolves.toBe(command === 'UpdateItemCommand' ? 'run 1' : 'run 2');
  });

  it("does not retry past the invocation's remaining time less the margin", async () => {
    const operation = `op-${randomUUID()}`;
    const logger = recordingLogger();
    const wrapped = idempotent(async () => 'done', { store, operation, key: () => 'k', logger });
    failNext(client, 'UpdateItemCommand', faults.timeout());
    await expect(wrapped({}, lambdaContext(1_020))).resolves.toBe('done'); // 20 ms to spare: no room for a 50 ms retry
    // One fault was injected: a retry would have completed the record, so IN_PROGRESS shows none was made.
    expect(await statusOf(operation, 'k')).toBe('IN_PROGRESS');
    expect(logger.warnings).toHaveLength(1);
  });

  it('lets a retry through after a failed claim wrote nothing', async () => {
    const operation = `op-${randomUUID()}`;
    let runs = 0;
    const wrapped = idempotent(async () => ++runs, { store, operation, key: () => 'k', now, logger: recordingLogger() });
    failNext(client, 'PutItemCommand', faults.throttling());
    await expect(wrapped({}, context(1_000))).rejects.toMatchObject({ code: ErrorCode.storeFailure });
    expect(await statusOf(operation, 'k')).toBeUndefined();
    await expect(wrapped({}, context(1_000))).resolves.toBe(1);
  });
});
