import type { EventBridgeEvent } from 'aws-lambda';
import { durableDispatcher, DurableDispatchError, executionName, EXECUTION_NAME_PATTERN } from 'lambda-idempotency/dispatcher';
import { startLambdaStandIn, type LambdaStandIn } from '../../support/lambda-invoke-stand-in';
import { recordingLogger } from '../../support/silent-logger';
import { sqsEvent, sqsRecord } from '../../support/sqs-fixtures';

const FUNCTION = 'arn:aws:lambda:eu-west-1:123456789012:function:fulfil-order:live';

function orderPlaced(id: string, detail: unknown = { orderId: 'o-1' }): EventBridgeEvent<'OrderPlaced', unknown> {
  return {
    version: '0',
    id,
    'detail-type': 'OrderPlaced',
    source: 'shop.orders',
    account: '123456789012',
    time: '2026-12-05T08:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

let lambda: LambdaStandIn;
beforeEach(async () => {
  lambda = await startLambdaStandIn();
});
afterEach(() => lambda.stop());

const dispatcher = (options: Parameters<typeof durableDispatcher>[0] = {}) =>
  durableDispatcher({ functionName: FUNCTION, scope: 'orders', client: lambda.client, logger: recordingLogger(), ...options });

describe('the execution name', () => {
  it('is 43 characters Lambda accepts, the same for one id and scope, another for another scope', () => {
    const name = executionName('orders', 'msg-1');
    expect(name).toMatch(EXECUTION_NAME_PATTERN);
    expect(name).toHaveLength(43);
    expect(executionName('orders', 'msg-1')).toBe(name);
    expect(executionName('refunds', 'msg-1')).not.toBe(name);
    expect(executionName('orders', 'x'.repeat(10_000))).toMatch(EXECUTION_NAME_PATTERN);
  });
});

describe('durableDispatcher on SQS', () => {
  it('starts one execution for a message delivered 3 times, each delivery a success', async () => {
    const handler = dispatcher();
    for (const receiveCount of [1, 2, 3]) {
      const answer = await handler(sqsEvent([sqsRecord({ orderId: 'o-1' }, { messageId: 'm-1', receiveCount })]));
      expect(answer).toEqual({ batchItemFailures: [] });
    }
    expect(lambda.requests).toBe(3);
    expect(lambda.started).toEqual([{ functionName: FUNCTION, name: executionName('orders', 'm-1'), payload: '{"orderId":"o-1"}' }]);
  });

  it('fails only the record whose id was started with another payload, and starts the others', async () => {
    const handler = dispatcher();
    await handler(sqsEvent([sqsRecord({ orderId: 'o-1' }, { messageId: 'm-1' })]));
    const answer = await handler(
      sqsEvent([sqsRecord({ orderId: 'o-2' }, { messageId: 'm-1' }), sqsRecord({ orderId: 'o-3' }, { messageId: 'm-3' })]),
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(lambda.started.map((execution) => execution.payload)).toEqual(['{"orderId":"o-1"}', '{"orderId":"o-3"}']);
  });

  it('fails a record without a stable id with that reason, and invokes nothing for it', async () => {
    const warnings: Record<string, unknown>[] = [];
    const handler = dispatcher({
      id: (message) => (JSON.parse((message as { body: string }).body) as { orderId?: string }).orderId,
      logger: { warn: (_message, fields) => void warnings.push(fields) },
    });
    const answer = await handler(sqsEvent([sqsRecord({ note: 'no order id' }, { messageId: 'm-9' })]));
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-9' }] });
    expect(lambda.requests).toBe(0);
    expect(warnings).toEqual([expect.objectContaining({ itemIdentifier: 'm-9', reason: 'no-stable-id' })]);
  });

  it('fails only the record a reader throws on, with the reason in the log, and starts the others', async () => {
    const warnings: Record<string, unknown>[] = [];
    const handler = dispatcher({
      payload: (message) => ({ orderId: (JSON.parse((message as { body: string }).body) as { order: { id: string } }).order.id }),
      logger: { warn: (_message, fields) => void warnings.push(fields) },
    });
    const answer = await handler(
      sqsEvent([
        sqsRecord({ order: { id: 'o-1' } }, { messageId: 'm-1' }),
        sqsRecord('not an order', { messageId: 'm-2' }),
        sqsRecord({ order: { id: 'o-3' } }, { messageId: 'm-3' }),
      ]),
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    expect(lambda.started.map((execution) => execution.payload)).toEqual(['{"orderId":"o-1"}', '{"orderId":"o-3"}']);
    expect(warnings).toEqual([expect.objectContaining({ itemIdentifier: 'm-2', reason: 'unreadable' })]);
    expect(String(warnings[0]!.error)).toContain('payload');
  });

  it('fails only the record whose id reader throws, and starts the others', async () => {
    const handler = dispatcher({
      id: (message) => (JSON.parse((message as { body: string }).body) as { order: { id: string } }).order.id,
    });
    const answer = await handler(
      sqsEvent([sqsRecord({ order: { id: 'o-1' } }, { messageId: 'm-1' }), sqsRecord({ note: 'no order' }, { messageId: 'm-2' })]),
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    expect(lambda.started.map((execution) => execution.name)).toEqual([executionName('orders', 'o-1')]);
  });

  it('fails a record whose invoke failed, so SQS redelivers it, and starts it on the redelivery', async () => {
    const handler = dispatcher();
    lambda.failNext(1);
    const record = sqsRecord('plain text body', { messageId: 'm-5' });
    expect(await handler(sqsEvent([record]))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-5' }] });
    expect(await handler(sqsEvent([record]))).toEqual({ batchItemFailures: [] });
    expect(lambda.started).toEqual([{ functionName: FUNCTION, name: executionName('orders', 'm-5'), payload: '"plain text body"' }]);
  });

  it('keeps a FIFO batch in order: after a failed record, every later one fails unstarted', async () => {
    const handler = dispatcher();
    await handler(sqsEvent([sqsRecord({ n: 1 }, { messageId: 'f-1', groupId: 'g' })]));
    const batch = sqsEvent([
      sqsRecord({ n: 'other' }, { messageId: 'f-1', groupId: 'g' }),
      sqsRecord({ n: 2 }, { messageId: 'f-2', groupId: 'g' }),
    ]);
    expect(await handler(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: 'f-1' }, { itemIdentifier: 'f-2' }] });
    expect(lambda.started).toHaveLength(1);
  });
});

describe('durableDispatcher on EventBridge', () => {
  it('starts one execution for an event retried 3 times, with the whole event as its payload', async () => {
    const handler = dispatcher();
    const event = orderPlaced('evt-1');
    for (let delivery = 0; delivery < 3; delivery++) await expect(handler(event)).resolves.toBeUndefined();
    expect(lambda.started).toEqual([{ functionName: FUNCTION, name: executionName('orders', 'evt-1'), payload: JSON.stringify(event) }]);
  });

  it('throws a payload conflict for an event id reused with another payload', async () => {
    const handler = dispatcher();
    await handler(orderPlaced('evt-2', { orderId: 'o-1' }));
    const error = await handler(orderPlaced('evt-2', { orderId: 'o-2' })).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(DurableDispatchError);
    expect(error).toMatchObject({ reason: 'payload-conflict' });
    expect(lambda.started).toHaveLength(1);
  });

  it('throws DurableDispatchError (unreadable) for an event its payload reader throws on, and starts nothing', async () => {
    const handler = dispatcher({ payload: () => JSON.parse('not json') });
    await expect(handler(orderPlaced('evt-3'))).rejects.toMatchObject({ name: 'DurableDispatchError', reason: 'unreadable' });
    expect(lambda.requests).toBe(0);
  });

  it('throws for an event without an id, and starts no execution without a name', async () => {
    const handler = dispatcher();
    await expect(handler({ detail: { orderId: 'o-1' } })).rejects.toMatchObject({ reason: 'no-stable-id' });
    expect(lambda.requests).toBe(0);
  });
});

describe('durableDispatcher options', () => {
  it('refuses a missing function name, naming the option and its variable', () => {
    delete process.env.DURABLE_FUNCTION_NAME;
    expect(() => durableDispatcher({ client: lambda.client })).toThrow(
      new TypeError('Expected `functionName` (or $DURABLE_FUNCTION_NAME) to be a function name or ARN, got undefined'),
    );
  });

  it('refuses an unknown option', () => {
    expect(() => dispatcher({ functionNmae: 'x' } as never)).toThrow(TypeError);
  });
});
