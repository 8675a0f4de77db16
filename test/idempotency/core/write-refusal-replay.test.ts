import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import {
  idempotencyOf,
  idempotent,
  idempotentMiddleware,
  idempotentSqs,
  idempotentWebhook,
  signWebhookPayload,
  type BusinessWrite,
  type ContextWithIdempotency,
  type HttpResponse,
} from '../../../lib/idempotency';
import { MemoryStore } from '../../../lib/idempotency/testing';
import { restEvent } from '../../support/api-gateway-fixtures';
import { sqsEvent, sqsRecord } from '../../support/sqs-fixtures';

const TABLE = 'accounts';
const context = { getRemainingTimeInMillis: () => 30_000, awsRequestId: 'r' } as unknown as Context;
const quiet = { logger: { warn: () => undefined, error: () => undefined } };
const SECRET = 'whsec_unit';

const debit = (pk: string, amount: number): BusinessWrite => ({
  Update: {
    TableName: TABLE,
    Key: { pk },
    UpdateExpression: 'SET balance = balance - :amount',
    ConditionExpression: 'balance >= :amount',
    ExpressionAttributeValues: { ':amount': amount },
  },
});
const put = (pk: string): BusinessWrite => ({ Put: { TableName: TABLE, Item: { pk } } });

/** A store whose table holds no account: every debit's condition fails. */
const emptyLedger = () => new MemoryStore({ tables: { [TABLE]: ['pk'] } });

describe('a stored write refusal, replayed, is answered exactly as the first time', () => {
  it('answers a webhook redelivery with the same problem response as the first delivery, without running again', async () => {
    const store = emptyLedger();
    let runs = 0;
    const handler = idempotentWebhook(
      async (_payload, _event, _context, idem) => {
        runs++;
        idem.write(debit('nobody', 1), { name: 'debit nobody', onConditionFailure: 'store' });
      },
      { store, secret: SECRET, ...quiet },
    );
    const body = JSON.stringify({ id: 'evt_refused', type: 'charge.succeeded' });
    const delivery = () =>
      restEvent({
        method: 'POST',
        path: '/webhooks',
        headers: [
          ['Content-Type', 'application/json'],
          ['Stripe-Signature', signWebhookPayload(body, SECRET)],
        ],
        body,
      });
    const first = (await handler(delivery(), context)) as HttpResponse;
    const again = (await handler(delivery(), context)) as HttpResponse;
    expect(first.statusCode).toBe(409);
    expect(JSON.parse(first.body!)).toMatchObject({
      status: 409,
      write: 'debit nobody',
      type: expect.stringContaining('write-condition-failed'),
    });
    expect({ statusCode: again.statusCode, body: JSON.parse(again.body!) }).toEqual({
      statusCode: first.statusCode,
      body: JSON.parse(first.body!),
    });
    expect(runs).toBe(1);
  });

  it('fails an SQS record whose refusal was stored, on its first delivery and on every redelivery, running it once', async () => {
    const store = emptyLedger();
    let runs = 0;
    const handler = idempotentSqs(
      async (_record, _context, idem) => {
        runs++;
        idem.write(debit('nobody', 1), { name: 'debit nobody', onConditionFailure: 'store' });
      },
      { store, ...quiet },
    );
    const record = sqsRecord({ order: 1 }, { messageId: 'm-refused' });
    expect(await handler(sqsEvent([record]), context)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-refused' }] });
    expect(await handler(sqsEvent([record]), context)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-refused' }] });
    expect(runs).toBe(1);
  });

  it('throws the same write refusal from the middy middleware on the first call and on a replay', async () => {
    const store = emptyLedger();
    let runs = 0;
    const wrapped = middy<{ key: string }, string>(async (_event: { key: string }, ctx: Context) => {
      runs++;
      idempotencyOf(ctx as Context & ContextWithIdempotency).write(debit('nobody', 1), {
        name: 'debit nobody',
        onConditionFailure: 'store',
      });
      return 'paid';
    }).use(idempotentMiddleware({ store, key: (event: { key: string }) => event.key, ...quiet }));
    const refusal = { code: 'IDEMPOTENCY_WRITE_CONDITION_FAILED', write: 'debit nobody' };
    await expect(wrapped({ key: 'k' }, context)).rejects.toMatchObject(refusal);
    await expect(wrapped({ key: 'k' }, context)).rejects.toMatchObject(refusal);
    expect(runs).toBe(1);
  });
});

describe('a result is any JSON value, including one carrying the name the library once reserved', () => {
  it.each([
    ['an empty array', []],
    ['a refusal-shaped list', [{ index: 0, name: 'x', code: 'ConditionalCheckFailed' }]],
  ])('replays a result whose member __lambdaIdempotencyWriteRefusal is %s as the same result', async (_name, member) => {
    const store = new MemoryStore();
    let runs = 0;
    const echo = idempotent(
      async (event: { key: string; body: unknown }) => {
        runs++;
        return event.body;
      },
      { store, key: (event) => event.key, ...quiet },
    );
    const event = { key: 'k', body: { __lambdaIdempotencyWriteRefusal: member } };
    expect(await echo(event, context)).toEqual(event.body);
    expect(await echo(event, context)).toEqual(event.body);
    expect(runs).toBe(1);
  });
});

describe('transaction limits are checked as each write is collected', () => {
  it('throws at the 100th idem.write, before the handler goes on to its other side effects, and frees the key', async () => {
    const store = emptyLedger();
    const sideEffects: string[] = [];
    const handler = idempotent(
      async (_e: unknown, _c, idem) => {
        for (let i = 0; i < 100; i++) idem.write(put(`item-${i}`));
        sideEffects.push('email sent');
        return 'done';
      },
      { store, key: () => 'too-many', ...quiet },
    );
    await expect(handler({}, context)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_WRITE_INVALID',
      message: expect.stringContaining('at most 99 writes'),
    });
    expect(sideEffects).toEqual([]);
    expect(store.items(TABLE)).toEqual([]);
    expect(store.size).toBe(0);
  });

  it('throws at the write that acts on an item an earlier write acts on', async () => {
    const store = emptyLedger();
    const reached: number[] = [];
    const handler = idempotent(
      async (_e: unknown, _c, idem) => {
        idem.write(debit('alice', 1), { name: 'first' });
        reached.push(1);
        idem.write(debit('alice', 2), { name: 'second' });
        reached.push(2);
      },
      { store, key: () => 'twice', ...quiet },
    );
    await expect(handler({}, context)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_WRITE_INVALID',
      message: expect.stringContaining('second'),
    });
    expect(reached).toEqual([1]);
  });
});
