import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import {
  idempotencyOf,
  idempotent,
  idempotentHttp,
  idempotentMiddleware,
  type ContextWithIdempotency,
  type ApiGatewayEvent,
  type BusinessWrite,
  type IdempotencyStore,
} from '../../../lib/idempotency';
import { MemoryStore } from '../../../lib/idempotency/testing';

const TABLE = 'accounts';
const context = { getRemainingTimeInMillis: () => 30_000, awsRequestId: 'r' } as unknown as Context;
const quiet = { logger: { warn: () => undefined, error: () => undefined } };

const open = (pk: string, balance: number): BusinessWrite => ({
  Put: { TableName: TABLE, Item: { pk, balance }, ConditionExpression: 'attribute_not_exists(pk)' },
});
const debit = (pk: string, amount: number): BusinessWrite => ({
  Update: {
    TableName: TABLE,
    Key: { pk },
    UpdateExpression: 'SET balance = balance - :amount',
    ConditionExpression: 'balance >= :amount',
    ExpressionAttributeValues: { ':amount': amount },
  },
});

function seeded(balance: number) {
  const store = new MemoryStore({ tables: { [TABLE]: ['pk'] } });
  const seed = idempotent(async (_e: unknown, _c, idem) => void idem.write(open('alice', balance)), { store, key: () => 'seed', ...quiet });
  return { store, seed: () => seed({}, context) };
}

describe("idem.write commits the handler's writes with its result", () => {
  it('commits the writes and the result together; a duplicate replays without running or writing again', async () => {
    const { store, seed } = seeded(100);
    await seed();
    let runs = 0;
    const pay = idempotent(
      async (_e: unknown, _c, idem) => {
        runs++;
        idem.write(debit('alice', 30), { name: 'debit alice' });
        return { paid: 30 };
      },
      { store, key: () => 'pay-1', ...quiet },
    );
    expect(await pay({}, context)).toEqual({ paid: 30 });
    expect(await pay({}, context)).toEqual({ paid: 30 });
    expect(runs).toBe(1);
    expect(store.items(TABLE)).toEqual([{ pk: 'alice', balance: 70 }]);
  });

  it('releases the key on a failed condition (the default rule) and tells the caller which write failed; a retry runs again', async () => {
    const { store, seed } = seeded(10);
    await seed();
    let runs = 0;
    const pay = idempotent(
      async (_e: unknown, _c, idem) => {
        runs++;
        idem.write(debit('alice', 30), { name: 'debit alice' });
        return { paid: 30 };
      },
      { store, key: () => 'pay-2', ...quiet },
    );
    await expect(pay({}, context)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_WRITE_CONDITION_FAILED',
      write: 'debit alice',
      failures: [{ index: 0, name: 'debit alice', code: 'ConditionalCheckFailed' }],
    });
    await expect(pay({}, context)).rejects.toMatchObject({ code: 'IDEMPOTENCY_WRITE_CONDITION_FAILED' });
    expect(runs).toBe(2);
    expect(store.items(TABLE)).toEqual([{ pk: 'alice', balance: 10 }]);
    expect(store.size).toBe(1); // the seed's record only: the refused key was released
  });

  it("stores the refusal as the key's final answer when the write asks for it: a retry gets the same error without running", async () => {
    const { store, seed } = seeded(10);
    await seed();
    let runs = 0;
    const pay = idempotent(
      async (_e: unknown, _c, idem) => {
        runs++;
        idem.write(debit('alice', 30), { name: 'debit alice', onConditionFailure: 'store' });
        return { paid: 30 };
      },
      { store, key: () => 'pay-3', ...quiet },
    );
    await expect(pay({}, context)).rejects.toMatchObject({ code: 'IDEMPOTENCY_WRITE_CONDITION_FAILED', write: 'debit alice' });
    await expect(pay({}, context)).rejects.toMatchObject({ code: 'IDEMPOTENCY_WRITE_CONDITION_FAILED', write: 'debit alice' });
    expect(runs).toBe(1);
    expect(store.items(TABLE)).toEqual([{ pk: 'alice', balance: 10 }]);
  });

  it('refuses idem.write at its first use on a store that cannot commit writes, writes nothing and frees the key', async () => {
    const memory = new MemoryStore();
    const plain: IdempotencyStore = {
      maxResultBytes: memory.maxResultBytes,
      claim: (r) => memory.claim(r),
      get: (id, o) => memory.get(id, o),
      complete: (r) => memory.complete(r),
      release: (id, t) => memory.release(id, t),
    };
    const handler = idempotent(
      async (_e: unknown, _c, idem) => {
        idem.write(open('bob', 1));
        return 'never reached';
      },
      { store: plain, key: () => 'k', ...quiet },
    );
    await expect(handler({}, context)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_WRITE_INVALID',
      message: expect.stringContaining('completeWith'),
    });
    expect(memory.size).toBe(0);
  });

  it('refuses a malformed write where the handler makes it', async () => {
    const store = new MemoryStore({ tables: { [TABLE]: ['pk'] } });
    const handler = idempotent(
      async (_e: unknown, _c, idem) => {
        idem.write({ Put: { TableName: TABLE, Item: { pk: 'x' } }, Delete: { TableName: TABLE, Key: { pk: 'x' } } });
      },
      { store, key: () => 'k', ...quiet },
    );
    await expect(handler({}, context)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_WRITE_INVALID',
      message: expect.stringContaining('exactly one of Put, Update, Delete, ConditionCheck, got Put and Delete'),
    });
    expect(store.items(TABLE)).toEqual([]);
  });

  it('drops the writes with a result that is not final (a 5xx): nothing is written and the key is released', async () => {
    const store = new MemoryStore({ tables: { [TABLE]: ['pk'] } });
    const handler = idempotentHttp(
      async (_e, _c, idem) => {
        idem.write(open('carol', 5));
        return { statusCode: 503, body: '' };
      },
      { store, scope: () => undefined, ...quiet },
    );
    const event = {
      httpMethod: 'POST',
      headers: { 'Idempotency-Key': 'k-503' },
      body: '{}',
      resource: '/x',
      path: '/x',
      requestContext: {},
    } as unknown as ApiGatewayEvent;
    expect(await handler(event, context)).toMatchObject({ statusCode: 503 });
    expect(store.items(TABLE)).toEqual([]);
    expect(store.size).toBe(0);
  });

  it('answers a failed write condition over HTTP with a 409 problem naming the write', async () => {
    const store = new MemoryStore({ tables: { [TABLE]: ['pk'] } });
    const handler = idempotentHttp(
      async (_e, _c, idem) => {
        idem.write(debit('nobody', 1), { name: 'debit nobody' });
        return { statusCode: 201, body: '{}' };
      },
      { store, scope: () => undefined, ...quiet },
    );
    const event = {
      httpMethod: 'POST',
      headers: { 'Idempotency-Key': 'k-409' },
      body: '{}',
      resource: '/x',
      path: '/x',
      requestContext: {},
    } as unknown as ApiGatewayEvent;
    const response = await handler(event, context);
    expect(response).toMatchObject({ statusCode: 409, headers: { 'Content-Type': 'application/problem+json' } });
    expect(JSON.parse((response as { body: string }).body)).toMatchObject({
      status: 409,
      write: 'debit nobody',
      type: expect.stringContaining('write-condition-failed'),
    });
  });
});

describe('idem.write behind the middy middleware', () => {
  it("commits the handler's writes with the response that middy's after step completes", async () => {
    const store = new MemoryStore({ tables: { [TABLE]: ['pk'] } });
    let runs = 0;
    const wrapped = middy<{ key: string }, string>(async (_event: { key: string }, context: Context) => {
      runs++;
      idempotencyOf(context as Context & ContextWithIdempotency).write(open('dora', 1));
      return 'opened';
    }).use(idempotentMiddleware({ store, key: (event: { key: string }) => event.key, ...quiet }));
    expect(await wrapped({ key: 'k' }, context)).toBe('opened');
    expect(await wrapped({ key: 'k' }, context)).toBe('opened');
    expect(runs).toBe(1);
    expect(store.items(TABLE)).toEqual([{ pk: 'dora', balance: 1 }]);
  });
});

describe('idem.write after the request settled', () => {
  it('throws rather than accept a write that would never be committed', async () => {
    const store = new MemoryStore({ tables: { [TABLE]: ['pk'] } });
    let kept: { write: (action: BusinessWrite) => void } | undefined;
    const handler = idempotent(
      async (_e: unknown, _c, idem) => {
        kept = idem;
        return 'done';
      },
      { store, key: () => 'late-write', ...quiet },
    );
    await handler({}, context);
    expect(() => kept!.write(open('eve', 1))).toThrow(
      expect.objectContaining({ code: 'IDEMPOTENCY_WRITE_INVALID', message: expect.stringContaining('after the request was completed') }),
    );
    expect(store.items(TABLE)).toEqual([]);
  });
});
