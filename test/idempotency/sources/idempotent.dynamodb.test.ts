import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { ErrorCode, idempotent, type IdempotentOptions } from '../../../lib/idempotency';
import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { scopedId } from '../../../lib/idempotency/core/scoped-key';
import { countCalls } from '../../support/call-counter';
import { freshIdempotencyTable, scanAll, testClient } from '../../support/dynamodb';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';
import { until } from '../../support/until';

interface OrderEvent {
  key?: string;
  tenant?: string;
  order?: Record<string, unknown>;
}

const client = testClient();
let tableName: string;
let store: DynamoDbStore;

beforeAll(async () => {
  tableName = await freshIdempotencyTable(client);
  store = new DynamoDbStore({ tableName, client });
});
afterAll(() => client.destroy());

function options(overrides: Partial<IdempotentOptions<OrderEvent>> = {}): IdempotentOptions<OrderEvent> {
  return { store, operation: `op-${randomUUID()}`, key: (event) => event.key, logger: recordingLogger(), ...overrides };
}

/** A handler that counts its runs and returns what `produce` makes of the event. */
function countingHandler<R>(produce: (event: OrderEvent, run: number) => R | Promise<R>) {
  const handler = async (event: OrderEvent) => {
    handler.runs++;
    return produce(event, handler.runs);
  };
  handler.runs = 0;
  return handler;
}

async function rawItem(operation: string, key: string, scope?: string) {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: tableName, Key: { id: { S: scopedId(operation, scope, key) } }, ConsistentRead: true }),
  );
  return Item;
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown }).code;
}

describe('exactly one execution', () => {
  it('runs the handler once for 200 concurrent invocations with one key, and every other gets its result or in-progress', async () => {
    const handler = countingHandler(async () => {
      await sleep(300);
      return { chargeId: randomUUID() };
    });
    // A wait longer than 200 claims can take on a busy machine, so the duplicates are handed the result.
    const wrapped = idempotent(handler, options({ inFlightWaitMs: 30_000 }));
    const outcomes = await Promise.allSettled(Array.from({ length: 200 }, () => wrapped({ key: 'order-200' }, lambdaContext(40_000))));
    expect(handler.runs).toBe(1);
    const results = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<unknown>).value);
    const errors = outcomes.filter((o) => o.status === 'rejected').map((o) => codeOf((o as PromiseRejectedResult).reason));
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(errors.every((code) => code === ErrorCode.inProgress)).toBe(true);
    expect(results.length + errors.length).toBe(200);
    expect(results.length).toBeGreaterThan(1); // the bounded wait delivers the result to duplicates
  });

  it('makes a duplicate wait for the in-flight invocation and hands it the first result', async () => {
    const handler = countingHandler(async () => {
      await sleep(400);
      return 'first';
    });
    const wrapped = idempotent(handler, options({ inFlightWaitMs: 3_000 }));
    const first = wrapped({ key: 'k' }, lambdaContext());
    await until(() => handler.runs === 1);
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toBe('first');
    await expect(first).resolves.toBe('first');
    expect(handler.runs).toBe(1);
  });

  it('answers in-progress with a Retry-After when the wait is over before the first invocation finishes', async () => {
    let finish!: () => void;
    const handler = countingHandler(() => new Promise<string>((resolve) => (finish = () => resolve('done'))));
    const wrapped = idempotent(handler, options({ inFlightWaitMs: 100 }));
    const first = wrapped({ key: 'k' }, lambdaContext());
    await until(() => handler.runs === 1);
    const error = await wrapped({ key: 'k' }, lambdaContext()).catch((e: unknown) => e);
    expect(codeOf(error)).toBe(ErrorCode.inProgress);
    expect((error as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    finish();
    await expect(first).resolves.toBe('done');
    expect(handler.runs).toBe(1);
  });
});

describe('replay', () => {
  const values: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a string', 'paid'],
    ['a number', 4.25],
    ['an array', [1, 'two', { three: 3 }]],
    ['a nested object', { payment: { id: 'pay_1', amount: 1000, tags: ['a'], meta: { ok: true, none: null } } }],
    ['unicode', { name: 'Zoë Ñúñez 中文 💳', escaped: '\u2028\u2029' }],
  ];

  it.each(values)('replays %s deep-equal to the first result without running the handler again', async (_name, value) => {
    const handler = countingHandler(() => value);
    const wrapped = idempotent(handler, options());
    const first = await wrapped({ key: 'k' }, lambdaContext());
    const second = await wrapped({ key: 'k' }, lambdaContext());
    expect(first).toEqual(value);
    expect(second).toEqual(value);
    expect(handler.runs).toBe(1);
  });
});

describe('failure releases the claim', () => {
  it('rethrows the handler error unchanged, leaves no record, and lets the next attempt run', async () => {
    class DeclinedByBank extends Error {}
    const failure = new DeclinedByBank('gateway timeout');
    const handler = countingHandler((_event, run) => {
      if (run === 1) throw failure;
      return 'charged';
    });
    const operation = `op-${randomUUID()}`;
    const wrapped = idempotent(handler, options({ operation }));
    await expect(wrapped({ key: 'k' }, lambdaContext())).rejects.toBe(failure);
    expect(await rawItem(operation, 'k')).toBeUndefined();
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toBe('charged');
    expect(handler.runs).toBe(2);
  });

  it('lets a waiting duplicate run once the in-flight invocation failed', async () => {
    const handler = countingHandler(async (_event, run) => {
      await sleep(200);
      if (run === 1) throw new Error('first attempt fails');
      return 'second attempt';
    });
    const wrapped = idempotent(handler, options({ inFlightWaitMs: 5_000 }));
    const first = wrapped({ key: 'k' }, lambdaContext()).catch((e: Error) => e.message);
    await until(() => handler.runs === 1);
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toBe('second attempt');
    await expect(first).resolves.toBe('first attempt fails');
    expect(handler.runs).toBe(2);
  });
});

describe('leases, fencing and expiry (on a controlled clock)', () => {
  let clock: number;
  const now = () => clock;
  beforeEach(() => (clock = Date.UTC(2026, 10, 29, 12, 0, 0)));

  const fixedContext = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;

  async function leaseExpiresAt(operation: string, key: string): Promise<number> {
    return Number((await rawItem(operation, key))?.leaseExpiresAt?.N);
  }

  /** Starts an invocation that hangs until released, as a crashed or timed-out one does. */
  function hangingInvocation(wrapped: (e: OrderEvent, c: Context) => Promise<unknown>, remainingMs: number) {
    let release!: (value: string) => void;
    const gate = new Promise<string>((resolve) => (release = resolve));
    return { gate, release, done: wrapped({ key: 'k' }, fixedContext(remainingMs)) };
  }

  it('sets the lease to the remaining time plus the margin; a duplicate before its end does not run, one after takes over', async () => {
    const operation = `op-${randomUUID()}`;
    let gate: Promise<string> = Promise.resolve('unused');
    const handler = countingHandler((_e, run) => (run === 1 ? gate : `run ${run}`));
    const wrapped = idempotent(handler, options({ operation, now, inFlightWaitMs: 0, leaseMarginMs: 1_000 }));
    const stuck = hangingInvocation(wrapped, 2_000);
    gate = stuck.gate;
    await until(() => handler.runs === 1);
    const start = clock;
    expect(await leaseExpiresAt(operation, 'k')).toBe(start + 3_000);

    clock = start + 3_000; // the lease ends after, not at, leaseExpiresAt
    await expect(wrapped({ key: 'k' }, fixedContext(2_000))).rejects.toMatchObject({ code: ErrorCode.inProgress });
    expect(handler.runs).toBe(1);

    clock = start + 3_001;
    await expect(wrapped({ key: 'k' }, fixedContext(2_000))).resolves.toBe('run 2');
    expect(handler.runs).toBe(2);
    stuck.release('late');
    await stuck.done;
  });

  it('treats a remaining time of 0 as real: the lease is the margin alone', async () => {
    const operation = `op-${randomUUID()}`;
    const stuckGate = new Promise<string>(() => undefined);
    const wrapped = idempotent(() => stuckGate, options({ operation, now, leaseMarginMs: 750 }));
    void wrapped({ key: 'k' }, fixedContext(0));
    await until(async () => (await rawItem(operation, 'k')) !== undefined);
    expect(await leaseExpiresAt(operation, 'k')).toBe(clock + 750);
  });

  it('caps the lease at maxLeaseMs, and uses leaseWithoutContextMs when there is no context', async () => {
    const operation = `op-${randomUUID()}`;
    const never = new Promise<string>(() => undefined);
    // One lease write is what this test reads: a keeper that never wakes, so these never-ending claims renew nothing later.
    const leaseTimer = () => new Promise<void>(() => undefined);
    const wrapped = idempotent(() => never, options({ operation, now, maxLeaseMs: 5_000, leaseWithoutContextMs: 42_000, leaseTimer }));
    void wrapped({ key: 'capped' }, fixedContext(600_000));
    void wrapped({ key: 'no-context' }, undefined as unknown as Context);
    await until(async () => (await rawItem(operation, 'capped')) !== undefined && (await rawItem(operation, 'no-context')) !== undefined);
    expect(await leaseExpiresAt(operation, 'capped')).toBe(clock + 5_000);
    expect(await leaseExpiresAt(operation, 'no-context')).toBe(clock + 42_000);
  });

  it("fences off a late invocation: its completion changes nothing and the new owner's result stands", async () => {
    const operation = `op-${randomUUID()}`;
    const logger = recordingLogger();
    let gate: Promise<string> = Promise.resolve('unused');
    const handler = countingHandler((_e, run) => (run === 1 ? gate : 'new owner'));
    const wrapped = idempotent(handler, options({ operation, now, inFlightWaitMs: 0, logger }));
    const stuck = hangingInvocation(wrapped, 1_000);
    gate = stuck.gate;
    await until(() => handler.runs === 1);

    clock += 10_000;
    await expect(wrapped({ key: 'k' }, fixedContext(1_000))).resolves.toBe('new owner');
    stuck.release('stale');
    await expect(stuck.done).resolves.toBe('stale'); // its own caller still gets its result
    await expect(wrapped({ key: 'k' }, fixedContext(1_000))).resolves.toBe('new owner');
    expect(handler.runs).toBe(2);
    expect(logger.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/Took the key over from an invocation whose lease ended/),
      expect.stringMatching(/taken over before completion/),
    ]);
  });

  it("fences off a late failure: its release does not delete the new owner's claim", async () => {
    const operation = `op-${randomUUID()}`;
    let failLate!: (error: Error) => void;
    let finishSecond!: (value: string) => void;
    const handler = countingHandler((_e, run) =>
      run === 1 ? new Promise<string>((_, reject) => (failLate = reject)) : new Promise<string>((resolve) => (finishSecond = resolve)),
    );
    const wrapped = idempotent(handler, options({ operation, now, inFlightWaitMs: 0 }));
    const first = wrapped({ key: 'k' }, fixedContext(1_000)).catch((e: Error) => e.message);
    await until(() => handler.runs === 1);
    clock += 10_000;
    const second = wrapped({ key: 'k' }, fixedContext(5_000));
    await until(() => handler.runs === 2);
    failLate(new Error('late failure'));
    await expect(first).resolves.toBe('late failure');
    expect((await rawItem(operation, 'k'))?.status?.S).toBe('IN_PROGRESS');
    await expect(wrapped({ key: 'k' }, fixedContext(5_000))).rejects.toMatchObject({ code: ErrorCode.inProgress });
    finishSecond('second');
    await expect(second).resolves.toBe('second');
    expect(handler.runs).toBe(2);
  });

  it('keeps a record for expiresAfterSeconds after completion, then treats it as absent though DynamoDB has not deleted it', async () => {
    const operation = `op-${randomUUID()}`;
    const handler = countingHandler((_e, run) => `run ${run}`);
    const wrapped = idempotent(handler, options({ operation, now, expiresAfterSeconds: 3_600 }));
    const completedAt = clock;
    await wrapped({ key: 'k' }, fixedContext(1_000));
    expect(Number((await rawItem(operation, 'k'))?.expiration?.N)).toBe(Math.floor(completedAt / 1000) + 3_600);

    clock = completedAt + 3_600_000;
    await expect(wrapped({ key: 'k' }, fixedContext(1_000))).resolves.toBe('run 1');
    clock = completedAt + 3_601_000;
    await expect(wrapped({ key: 'k' }, fixedContext(1_000))).resolves.toBe('run 2');
    expect(handler.runs).toBe(2);
  });

  it('defaults the retention to 24 hours', async () => {
    const operation = `op-${randomUUID()}`;
    await idempotent(async () => 'x', options({ operation, now }))({ key: 'k' }, fixedContext(1_000));
    expect(Number((await rawItem(operation, 'k'))?.expiration?.N)).toBe(Math.floor(clock / 1000) + 86_400);
  });
});

describe('DynamoDB round trips', () => {
  it('takes 2 calls for a first execution (PutItem, UpdateItem) and 1 for a replay (PutItem)', async () => {
    const counter = countCalls(store.client);
    const wrapped = idempotent(async () => ({ ok: true }), options());
    counter.reset();
    await wrapped({ key: 'k' }, lambdaContext());
    expect(counter.counts).toEqual({ PutItemCommand: 1, UpdateItemCommand: 1 });
    counter.reset();
    await wrapped({ key: 'k' }, lambdaContext());
    expect(counter.counts).toEqual({ PutItemCommand: 1 });
  });

  it('takes 0 calls for a warm duplicate with the local cache on, and 2 when the handler throws (PutItem, DeleteItem)', async () => {
    const counter = countCalls(store.client);
    const cached = idempotent(async () => ({ ok: true }), options({ localCache: true }));
    await cached({ key: 'k' }, lambdaContext());
    counter.reset();
    await expect(cached({ key: 'k' }, lambdaContext())).resolves.toEqual({ ok: true });
    expect(counter.total()).toBe(0);

    const failing = idempotent(async () => Promise.reject(new Error('no')), options());
    counter.reset();
    await expect(failing({ key: 'k' }, lambdaContext())).rejects.toThrow('no');
    expect(counter.counts).toEqual({ PutItemCommand: 1, DeleteItemCommand: 1 });
  });

  it('fills the local cache from a replay, so the next warm duplicate costs nothing', async () => {
    const operation = `op-${randomUUID()}`;
    await idempotent(async () => 'stored', options({ operation }))({ key: 'k' }, lambdaContext());
    const counter = countCalls(store.client);
    const warm = idempotent(async () => 'never', options({ operation, localCache: { maxEntries: 10 } }));
    counter.reset();
    await expect(warm({ key: 'k' }, lambdaContext())).resolves.toBe('stored');
    await expect(warm({ key: 'k' }, lambdaContext())).resolves.toBe('stored');
    expect(counter.counts).toEqual({ PutItemCommand: 1 });
  });
});

describe('keys', () => {
  it('stores only a sha256 of operation, scope and key: no raw key or scope in the table', async () => {
    const operation = `op-${randomUUID()}`;
    const rawKey = `raw-key-${randomUUID()}`;
    const wrapped = idempotent(async () => 'ok', options({ operation, scope: (e) => e.tenant }));
    await wrapped({ key: rawKey, tenant: 'tenant-visible-name' }, lambdaContext());
    const item = await rawItem(operation, rawKey, 'tenant-visible-name');
    expect(item?.id?.S).toMatch(/^[0-9a-f]{64}$/);
    const everything = JSON.stringify(await scanAll(client, tableName));
    expect(everything).not.toContain(rawKey);
    expect(everything).not.toContain('tenant-visible-name');
  });

  it('keeps the same key apart across scopes and across operations', async () => {
    const handler = countingHandler((event) => `for ${event.tenant}`);
    const opts = options({ scope: (e) => e.tenant });
    const wrapped = idempotent(handler, opts);
    await expect(wrapped({ key: 'shared', tenant: 'a' }, lambdaContext())).resolves.toBe('for a');
    await expect(wrapped({ key: 'shared', tenant: 'b' }, lambdaContext())).resolves.toBe('for b');
    await expect(wrapped({ key: 'shared', tenant: 'a' }, lambdaContext())).resolves.toBe('for a');
    const otherOperation = idempotent(handler, { ...opts, operation: `${opts.operation}-other` });
    await expect(otherOperation({ key: 'shared', tenant: 'a' }, lambdaContext())).resolves.toBe('for a');
    expect(handler.runs).toBe(3);
  });

  it.each([
    ['empty', '', /empty/],
    ['256 characters', 'k'.repeat(256), /256 characters long; at most 255/],
    ['a newline', 'abc\ndef', /control characters/],
    ['a NUL', 'abc\u0000', /control characters/],
    ['a C1 control', 'abc\u0085', /control characters/],
  ])('rejects a key that is %s with IDEMPOTENCY_KEY_INVALID and runs nothing', async (_name, key, message) => {
    const handler = countingHandler(() => 'ran');
    const error = await idempotent(handler, options())({ key }, lambdaContext()).catch((e: Error) => e);
    expect(error).toMatchObject({ code: ErrorCode.keyInvalid, message: expect.stringMatching(message) });
    expect(handler.runs).toBe(0);
  });

  it('accepts a key of exactly 255 characters, and unicode', async () => {
    const wrapped = idempotent(async () => 'ok', options());
    await expect(wrapped({ key: 'k'.repeat(255) }, lambdaContext())).resolves.toBe('ok');
    await expect(wrapped({ key: 'commande-é-中' }, lambdaContext())).resolves.toBe('ok');
  });

  it('rejects a missing key by default, and runs unprotected only when missingKey says so', async () => {
    const handler = countingHandler(() => 'ran');
    await expect(idempotent(handler, options())({}, lambdaContext())).rejects.toMatchObject({ code: ErrorCode.keyMissing });
    expect(handler.runs).toBe(0);

    const operation = `op-${randomUUID()}`;
    const downstream: string[] = [];
    const open = idempotent(
      async (_e, _c, idem) => {
        downstream.push(idem.downstreamKey('charge'));
        return idem.key;
      },
      options({ operation, missingKey: 'run-without-idempotency' }),
    );
    await expect(open({}, lambdaContext())).resolves.toBeUndefined();
    await expect(open({}, lambdaContext())).resolves.toBeUndefined();
    expect(new Set(downstream).size).toBe(2);
  });

  it('gives the handler its scoped key and downstream keys stable per key and distinct per name', async () => {
    const seen: { key?: string; charge: string; refund: string }[] = [];
    const operation = `op-${randomUUID()}`;
    const wrapped = idempotent(
      async (_e, _c, idem) => {
        seen.push({ key: idem.key, charge: idem.downstreamKey('charge'), refund: idem.downstreamKey('refund') });
      },
      options({ operation, missingKey: 'reject' }),
    );
    await wrapped({ key: 'k1' }, lambdaContext());
    await idempotent(
      async (_e, _c, idem) => {
        seen.push({ key: idem.key, charge: idem.downstreamKey('charge'), refund: idem.downstreamKey('refund') });
        throw new Error('release so the next run happens');
      },
      options({ operation: `${operation}-x` }),
    )({ key: 'k1' }, lambdaContext()).catch(() => undefined);
    const [first, other] = seen;
    expect(first?.key).toBe(scopedId(operation, undefined, 'k1'));
    expect(first?.charge).not.toBe(first?.refund);
    expect(other?.charge).not.toBe(first?.charge);
  });
});

describe('payload fingerprint', () => {
  it('rejects the same key with a different payload as IDEMPOTENCY_PAYLOAD_MISMATCH, and runs nothing', async () => {
    const handler = countingHandler((event) => event.order);
    const wrapped = idempotent(handler, options({ fingerprint: (e) => e.order }));
    await wrapped({ key: 'k', order: { sku: 'A', qty: 1 } }, lambdaContext());
    await expect(wrapped({ key: 'k', order: { qty: 1, sku: 'A' } }, lambdaContext())).resolves.toEqual({ sku: 'A', qty: 1 });
    await expect(wrapped({ key: 'k', order: { sku: 'A', qty: 2 } }, lambdaContext())).rejects.toMatchObject({
      code: ErrorCode.payloadMismatch,
    });
    expect(handler.runs).toBe(1);
  });

  it('rejects a mismatched payload while the first is still in flight', async () => {
    let finish!: () => void;
    const handler = countingHandler(() => new Promise<string>((resolve) => (finish = () => resolve('ok'))));
    const wrapped = idempotent(handler, options({ fingerprint: (e) => e.order, inFlightWaitMs: 5_000 }));
    const first = wrapped({ key: 'k', order: { amount: 1 } }, lambdaContext());
    await until(() => handler.runs === 1);
    await expect(wrapped({ key: 'k', order: { amount: 2 } }, lambdaContext())).rejects.toMatchObject({
      code: ErrorCode.payloadMismatch,
    });
    finish();
    await first;
    expect(handler.runs).toBe(1);
  });
});

describe('big results', () => {
  it('compresses a result larger than one item and replays it intact', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ line: i, sku: `SKU-${i % 50}`, note: 'repeated text '.repeat(3) }));
    expect(JSON.stringify(rows).length).toBeGreaterThan(1_000_000);
    const operation = `op-${randomUUID()}`;
    const handler = countingHandler(() => rows);
    const wrapped = idempotent(handler, options({ operation }));
    await wrapped({ key: 'k' }, lambdaContext());
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toEqual(rows);
    const item = await rawItem(operation, 'k');
    expect(item?.resultEncoding?.S).toBe('json-gzip');
    expect(item?.result?.B).toBeInstanceOf(Uint8Array);
    expect(handler.runs).toBe(1);
  });

  it('completes a result too large even compressed without storing it: the handler never runs twice and a duplicate gets IDEMPOTENCY_RESULT_UNAVAILABLE', async () => {
    const incompressible = randomBytes(600_000).toString('base64');
    const logger = recordingLogger();
    const handler = countingHandler(() => ({ blob: incompressible }));
    const wrapped = idempotent(handler, options({ logger }));
    await expect(wrapped({ key: 'k' }, lambdaContext())).resolves.toEqual({ blob: incompressible });
    await expect(wrapped({ key: 'k' }, lambdaContext())).rejects.toMatchObject({ code: ErrorCode.resultUnavailable });
    expect(handler.runs).toBe(1);
    expect(logger.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/could not be stored \(too large/),
      expect.stringMatching(/its result was not stored; it cannot be replayed/),
    ]);
  });
});
