import { randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { idempotentSqs, type IdempotentSqsOptions } from '../../../lib/idempotency';
import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';
import { failNext, faults } from '../../support/fault-injection';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';
import { sqsEvent, sqsRecord } from '../../support/sqs-fixtures';
import { until } from '../../support/until';

const client = testClient();
let store: DynamoDbStore;
beforeAll(async () => {
  store = new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client });
});
afterAll(() => client.destroy());

const options = (overrides: Partial<IdempotentSqsOptions> = {}): IdempotentSqsOptions => ({
  store,
  operation: `orders-${randomUUID()}`,
  logger: recordingLogger(),
  ...overrides,
});

/** Records what the handler saw, in order; `fail` decides which bodies throw. */
function recordingHandler(fail: (body: string) => boolean = () => false) {
  const seen: string[] = [];
  const handler = async (record: SQSRecord) => {
    seen.push(record.body);
    if (fail(record.body)) throw new Error(`cannot process ${record.body}`);
    return { processed: record.body };
  };
  return { seen, handler };
}

describe('idempotentSqs on a standard queue', () => {
  it('runs a duplicate record once, in the same batch and in a later redelivery', async () => {
    const { seen, handler } = recordingHandler();
    const wrapped = idempotentSqs(handler, options());
    const message = sqsRecord({ orderId: 'o-1' });
    const first = await wrapped(sqsEvent([message, { ...message }, sqsRecord({ orderId: 'o-2' })]), lambdaContext());
    const redelivery = await wrapped(
      sqsEvent([{ ...message, attributes: { ...message.attributes, ApproximateReceiveCount: '2' } }]),
      lambdaContext(),
    );
    expect(first).toEqual({ batchItemFailures: [] });
    expect(redelivery).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([message.body, JSON.stringify({ orderId: 'o-2' })]);
  });

  it('keys on the business id when told, so two messages for one order run once', async () => {
    const { seen, handler } = recordingHandler();
    const wrapped = idempotentSqs(handler, options({ key: (record) => JSON.parse(record.body).orderId }));
    await wrapped(sqsEvent([sqsRecord({ orderId: 'o-9', at: 1 }), sqsRecord({ orderId: 'o-9', at: 2 })]), lambdaContext());
    expect(seen).toEqual([JSON.stringify({ orderId: 'o-9', at: 1 })]);
  });

  it('fails only the record whose key cannot be read (a body that is not JSON), and runs the others', async () => {
    const { seen, handler } = recordingHandler();
    const wrapped = idempotentSqs(handler, options({ key: (record) => JSON.parse(record.body).orderId }));
    const broken = sqsRecord('{"orderId": ');
    const good = sqsRecord({ orderId: 'o-7' });
    expect(await wrapped(sqsEvent([broken, good]), lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: broken.messageId }] });
    expect(seen).toEqual([good.body]);
  });

  it('reports a throwing record as failed without blocking the others, and runs it again on redelivery', async () => {
    let failing = true;
    const { seen, handler } = recordingHandler((body) => failing && body.includes('bad'));
    const wrapped = idempotentSqs(handler, options());
    const bad = sqsRecord({ order: 'bad' });
    const good = [sqsRecord({ order: 'a' }), sqsRecord({ order: 'b' })];
    const response = await wrapped(sqsEvent([good[0]!, bad, good[1]!]), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    failing = false;
    expect(await wrapped(sqsEvent([bad, good[0]!]), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(seen.filter((body) => body.includes('bad'))).toHaveLength(2);
    expect(seen.filter((body) => body.includes('"a"'))).toHaveLength(1);
  });

  it('reports a record whose key is in flight in another invocation as failed, so SQS brings it back later', async () => {
    let finish!: () => void;
    const { seen, handler } = recordingHandler();
    const slow = async (record: SQSRecord) => {
      await new Promise<void>((resolve) => (finish = resolve));
      return handler(record);
    };
    const opts = options();
    const message = sqsRecord({ order: 'in-flight' });
    const first = idempotentSqs(slow, opts)(sqsEvent([message]), lambdaContext());
    await until(() => finish !== undefined);
    const other = await idempotentSqs(handler, opts)(sqsEvent([message]), lambdaContext());
    expect(other).toEqual({ batchItemFailures: [{ itemIdentifier: message.messageId }] });
    finish();
    expect(await first).toEqual({ batchItemFailures: [] });
    expect(await idempotentSqs(handler, opts)(sqsEvent([message]), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(seen).toHaveLength(1);
  });

  it('fails only the record whose claim met a store fault', async () => {
    const { seen, handler } = recordingHandler();
    const wrapped = idempotentSqs(handler, options());
    const records = [sqsRecord({ n: 1 }), sqsRecord({ n: 2 }), sqsRecord({ n: 3 })];
    failNext(client, 'PutItemCommand', faults.throttling());
    const response = await wrapped(sqsEvent(records), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: records[0]!.messageId }] });
    expect(seen).toHaveLength(2);
  });

  it('fails a record whose business key comes back with another payload, when a fingerprint is set', async () => {
    const { seen, handler } = recordingHandler();
    const wrapped = idempotentSqs(handler, options({ key: (r) => JSON.parse(r.body).orderId, fingerprint: (r) => JSON.parse(r.body) }));
    await wrapped(sqsEvent([sqsRecord({ orderId: 'o-5', total: 10 })]), lambdaContext());
    const conflicting = sqsRecord({ orderId: 'o-5', total: 99 });
    expect(await wrapped(sqsEvent([conflicting]), lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: conflicting.messageId }],
    });
    expect(seen).toHaveLength(1);
  });

  it('runs different keys concurrently when asked, still reporting failures in batch order', async () => {
    let running = 0;
    let peak = 0;
    const handler = async (record: SQSRecord) => {
      running++;
      peak = Math.max(peak, running);
      // Held until four run at once, however slow the claims are: a concurrency below 4 never gets there (and fails).
      await until(() => peak >= 4, 20_000);
      running--;
      if (record.body.includes('x')) throw new Error('x');
    };
    const records = Array.from({ length: 8 }, (_, i) => sqsRecord({ n: i, flag: i % 3 === 0 ? 'x' : 'y' }));
    const response = await idempotentSqs(handler, options({ concurrency: 4 }))(sqsEvent(records), lambdaContext());
    expect(peak).toBe(4);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([records[0], records[3], records[6]].map((r) => r!.messageId));
  });
});

describe('idempotentSqs on a FIFO queue', () => {
  it("processes in order and, after a failure, fails the rest of the batch unprocessed (AWS's advice)", async () => {
    const { seen, handler } = recordingHandler((body) => body.includes('"n":2'));
    const records = [1, 2, 3].map((n) => sqsRecord({ n }, { groupId: 'g1' })).concat([sqsRecord({ n: 4 }, { groupId: 'g2' })]);
    const response = await idempotentSqs(handler, options())(sqsEvent(records), lambdaContext());
    expect(seen).toEqual(['{"n":1}', '{"n":2}']);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.slice(1).map((r) => r.messageId));
  });

  it('with skip-group, fails only the later records of the failed group and goes on with the others', async () => {
    const { seen, handler } = recordingHandler((body) => body.includes('"n":1'));
    const records = [
      sqsRecord({ n: 1 }, { groupId: 'g1' }),
      sqsRecord({ n: 2 }, { groupId: 'g2' }),
      sqsRecord({ n: 3 }, { groupId: 'g1' }),
      sqsRecord({ n: 4 }, { groupId: 'g2' }),
    ];
    const response = await idempotentSqs(handler, options({ fifoFailure: 'skip-group' }))(sqsEvent(records), lambdaContext());
    expect(seen).toEqual(['{"n":1}', '{"n":2}', '{"n":4}']);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([records[0]!.messageId, records[2]!.messageId]);
  });

  it('replays an already-processed record in the redelivered part of a batch, keeping the order', async () => {
    const { seen, handler } = recordingHandler();
    const opts = options();
    const records = [1, 2, 3].map((n) => sqsRecord({ n }, { groupId: 'g' }));
    await idempotentSqs(handler, opts)(sqsEvent(records.slice(0, 2)), lambdaContext());
    await idempotentSqs(handler, opts)(sqsEvent(records), lambdaContext());
    expect(seen).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });
});

describe('idempotentSqs options', () => {
  it.each([
    ['concurrency', 0, 'Expected `concurrency` to be a positive integer, got 0'],
    ['fifoFailure', 'ignore', "Expected `fifoFailure` to be 'stop-batch' or 'skip-group', got \"ignore\""],
    ['key', 'orderId', 'Expected `key` to be a function, got "orderId"'],
  ])('throws a TypeError naming `%s`', (name, value, message) => {
    expect(() => idempotentSqs(async () => undefined, { store, [name]: value })).toThrow(new TypeError(message));
  });
});
