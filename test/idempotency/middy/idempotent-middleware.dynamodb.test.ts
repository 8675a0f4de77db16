import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ErrorCode, MetricName } from '../../../lib/idempotency';
import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { scopedId } from '../../../lib/idempotency/core/scoped-key';
import { idempotencyOf } from '../../../lib/idempotency/middy/context-idempotency';
import { idempotentMiddleware, type IdempotentMiddlewareOptions } from '../../../lib/idempotency/middy/idempotent-middleware';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';
import { lambdaContext } from '../../support/lambda-context';
import { countingHandler, middlewareOptions, type OrderEvent } from './fixtures';

const client = testClient();
let store: DynamoDbStore;

beforeAll(async () => {
  store = new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client });
});
afterAll(() => client.destroy());

const options = (overrides: Partial<IdempotentMiddlewareOptions<OrderEvent>> = {}) => middlewareOptions<OrderEvent>(store, overrides);

/** The handler behind middy with our middleware, as a user writes it. */
function middyfied<R>(handler: (event: OrderEvent, context: Context) => Promise<R>, opts = options()) {
  return middy<OrderEvent, R>(handler).use(idempotentMiddleware(opts));
}

describe('idempotentMiddleware with @middy/core', () => {
  it('runs the handler once and replays its result deep-equal', async () => {
    const result = { payment: { id: 'pay_1', amount: 1000, tags: ['a'], meta: { ok: true, none: null } }, note: 'Zoë 💳' };
    const handler = countingHandler(() => result);
    const wrapped = middyfied(handler);
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toEqual(result);
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toEqual(result);
    expect(handler.runs).toBe(1);
  });

  it('stores a handler that returns undefined and replays undefined without running it again', async () => {
    const handler = countingHandler(() => undefined);
    const wrapped = middyfied(handler);
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toBeUndefined();
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toBeUndefined();
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toBeUndefined();
    expect(handler.runs).toBe(1);
  });

  it('releases the key when the handler throws, rethrows its error unchanged, and lets the next call run', async () => {
    class DeclinedByBank extends Error {}
    const failure = new DeclinedByBank('gateway timeout');
    const handler = countingHandler((_event, _context, run) => {
      if (run === 1) throw failure;
      return 'charged';
    });
    const wrapped = middyfied(handler);
    await expect(wrapped({ key: 'k' }, lambdaContext())).rejects.toBe(failure);
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toBe('charged');
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toBe('charged');
    expect(handler.runs).toBe(2);
  });

  it('refuses the key reused with another payload with IDEMPOTENCY_PAYLOAD_MISMATCH, and runs nothing', async () => {
    const handler = countingHandler((event: OrderEvent) => `charged ${event.order?.amount}`);
    const wrapped = middyfied(handler, options({ fingerprint: (event) => event.order }));
    await wrapped({ key: 'k', order: { amount: 1000, currency: 'EUR' } }, lambdaContext());
    // The same payload, keys in another order: a replay.
    await expect(wrapped({ key: 'k', order: { currency: 'EUR', amount: 1000 } }, lambdaContext())).resolves.toBe('charged 1000');
    await expect(wrapped({ key: 'k', order: { amount: 9999, currency: 'EUR' } }, lambdaContext())).rejects.toMatchObject({
      code: ErrorCode.payloadMismatch,
    });
    expect(handler.runs).toBe(1);
  });

  it('runs the handler once for 50 concurrent invocations with one key; the others get its result or in-progress', async () => {
    const handler = countingHandler(async () => {
      await sleep(300);
      return { chargeId: randomUUID() };
    });
    const wrapped = middyfied(handler);
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => wrapped({ key: 'storm' }, lambdaContext(20_000))));
    expect(handler.runs).toBe(1);
    const results = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [JSON.stringify(o.value)] : []));
    const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as { code?: string }).code] : []));
    expect(new Set(results).size).toBe(1);
    expect(errors.every((code) => code === ErrorCode.inProgress)).toBe(true);
    expect(results.length).toBeGreaterThan(1); // the bounded wait hands duplicates the result
  });

  it('never mixes concurrent invocations of different keys, even with an `internal` object middy shares among them', async () => {
    const operation = `op-${randomUUID()}`;
    const handler = countingHandler(async (event: OrderEvent, context) => {
      await sleep(Math.random() * 50);
      return { key: event.key, idemKey: idempotencyOf(context).key };
    });
    const wrapped = middy<OrderEvent, { key?: string; idemKey?: string }>(handler, { internal: {} }).use(
      idempotentMiddleware(options({ operation })),
    );
    const keys = Array.from({ length: 20 }, (_, i) => `order-${i}`);
    const first = await Promise.all(keys.map((key) => wrapped({ key }, lambdaContext())));
    expect(first).toEqual(keys.map((key) => ({ key, idemKey: scopedId(operation, undefined, key) })));
    const replays = await Promise.all(keys.map((key) => wrapped({ key }, lambdaContext())));
    expect(replays).toEqual(first);
    expect(handler.runs).toBe(20);
  });
});

describe("the handler's idem (idempotencyOf(context))", () => {
  it('gives a downstream key that is the same when a released key runs again, and differs per key and per name', async () => {
    const seen: { charge: string; refund: string }[] = [];
    const handler = countingHandler((event: OrderEvent, context, run) => {
      const idem = idempotencyOf(context);
      seen.push({ charge: idem.downstreamKey('charge'), refund: idem.downstreamKey('refund') });
      if (event.key === 'k' && run === 1) throw new Error('lost the response');
      return 'ok';
    });
    const wrapped = middyfied(handler);
    await expect(wrapped({ key: 'k' }, lambdaContext())).rejects.toThrow('lost the response');
    await wrapped({ key: 'k' }, lambdaContext());
    await wrapped({ key: 'other' }, lambdaContext());
    const [failed, rerun, other] = seen;
    expect(rerun).toEqual(failed);
    expect(rerun!.charge).not.toBe(rerun!.refund);
    expect(other!.charge).not.toBe(rerun!.charge);
  });

  it('throws a TypeError naming the middleware when the chain does not use it', async () => {
    const wrapped = middy(async (_event: unknown, context: Context) => idempotencyOf(context).downstreamKey('charge'));
    await expect(wrapped({}, lambdaContext())).rejects.toThrow(/add `idempotentMiddleware\(options\)` to the middy chain/);
  });
});

describe('keys and options', () => {
  it('rejects an event without a key with IDEMPOTENCY_KEY_MISSING, or runs it unprotected when missingKey says so', async () => {
    const handler = countingHandler((_event: OrderEvent, context) => idempotencyOf(context));
    await expect(middyfied(handler)({}, lambdaContext())).rejects.toMatchObject({ code: ErrorCode.keyMissing });
    expect(handler.runs).toBe(0);

    const open = middyfied(handler, options({ missingKey: 'run-without-idempotency' }));
    const [a, b] = [await open({}, lambdaContext()), await open({}, lambdaContext())];
    expect(handler.runs).toBe(2);
    expect(a.key).toBeUndefined();
    expect(a.downstreamKey('charge')).not.toBe(b.downstreamKey('charge')); // nothing is deduplicated without a key
  });

  it('defaults the key to the event id, as idempotent does, so a redelivered EventBridge event runs once', async () => {
    const handler = countingHandler((event: OrderEvent) => `shipped ${event.id}`);
    const wrapped = middyfied(handler, options({ key: undefined }));
    const event = { id: randomUUID(), order: { sku: 'A-1' } };
    await expect(wrapped(event, lambdaContext())).resolves.toBe(`shipped ${event.id}`);
    await expect(wrapped({ ...event }, lambdaContext())).resolves.toBe(`shipped ${event.id}`);
    expect(handler.runs).toBe(1);
  });

  it('frees the key at once when middy ends a handler early for want of time, so the retry runs', async () => {
    const handler = countingHandler(async (_event, _context, run) => {
      if (run === 1) await sleep(1_000);
      return `run ${run}`;
    });
    const wrapped = middyfied(handler, options({ inFlightWaitMs: 0 })); // a key still held would answer in-progress
    await expect(wrapped({ key: 'k' }, lambdaContext(200))).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toBe('run 2');
    await sleep(1_000); // let the abandoned first run end inside this test
  });

  it.each([
    ['key', { key: 'order-id' }, /Expected `key` to be a function, got "order-id"/],
    ['missingKey', { missingKey: 'skip' }, /Expected `missingKey` to be 'reject' or 'run-without-idempotency', got "skip"/],
    ['expiresAfterSeconds', { expiresAfterSeconds: -1 }, /Expected `expiresAfterSeconds` to be a positive integer, got -1/],
  ])('throws a TypeError naming a bad %s when the middleware is created, not at the first request', (_name, bad, message) => {
    expect(() => idempotentMiddleware(options(bad as never))).toThrow(TypeError);
    expect(() => idempotentMiddleware(options(bad as never))).toThrow(message);
  });
});

describe('metrics', () => {
  it('writes exactly one EMF line per invocation: after the handler, after an error, on a replay and on a refusal', async () => {
    const lines: Record<string, unknown>[] = [];
    const metrics = { emit: (line: string) => void lines.push(JSON.parse(line)) };
    const handler = countingHandler((event: OrderEvent) => {
      if (event.order?.fail) throw new Error('declined');
      return 'ok';
    });
    const wrapped = middyfied(handler, options({ metrics, fingerprint: (event) => event.order }));
    const counted = () =>
      Object.fromEntries(Object.values(MetricName).flatMap((name) => (lines.at(-1)![name] ? [[name, lines.at(-1)![name]]] : [])));

    await wrapped({ key: 'a', order: { n: 1 } }, lambdaContext());
    expect([lines.length, counted()]).toEqual([1, { [MetricName.claimed]: 1 }]);
    await wrapped({ key: 'a', order: { n: 1 } }, lambdaContext());
    expect([lines.length, counted()]).toEqual([2, { [MetricName.replayed]: 1 }]);
    await expect(wrapped({ key: 'a', order: { n: 2 } }, lambdaContext())).rejects.toMatchObject({ code: ErrorCode.payloadMismatch });
    expect([lines.length, counted()]).toEqual([3, { [MetricName.payloadMismatches]: 1 }]);
    await expect(wrapped({ key: 'b', order: { fail: true } }, lambdaContext())).rejects.toThrow('declined');
    expect([lines.length, counted()]).toEqual([4, { [MetricName.claimed]: 1, [MetricName.handlerErrors]: 1 }]);
  });
});
