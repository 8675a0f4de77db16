import { randomUUID } from 'node:crypto';
import type { ClaimRequest } from '../../../lib/idempotency';
import type { StepPutRequest } from '../../../lib/idempotency/core/store';
import { RedisStore } from '../../../lib/idempotency/redis';
import { encodeResult } from '../../../lib/idempotency/core/result-codec';
import { EXPIRED_KEY_GRACE_MS } from '../../../lib/idempotency/stores/redis-record';
import { countCommands } from '../../support/counting-redis';
import { CLIENT_KINDS, connectClient, inspector, uniquePrefix, type TestClient } from '../../support/redis';

const NOW = Date.now();
const NOW_S = Math.floor(NOW / 1000);
const RETENTION_S = 3_600;

function claimOf(overrides: Partial<ClaimRequest> = {}): ClaimRequest {
  return {
    id: randomUUID(),
    leaseToken: randomUUID(),
    leaseExpiresAt: NOW + 30_000,
    expiration: NOW_S + RETENTION_S,
    fingerprint: 'fp-1',
    now: NOW,
    ...overrides,
  };
}

let admin: Awaited<ReturnType<typeof inspector>>;
beforeAll(async () => {
  admin = await inspector();
});
afterAll(() => admin.destroy());

describe.each(CLIENT_KINDS)('RedisStore with %s against a real redis-server', (kind) => {
  let connection: TestClient;
  let counter: ReturnType<typeof countCommands>;
  let store: RedisStore;

  beforeAll(async () => {
    connection = await connectClient(kind);
    counter = countCommands(connection.client);
    store = new RedisStore({ client: counter.client, keyPrefix: uniquePrefix() });
    // Load the scripts, so round trips are counted as they are once the server has them cached
    // (a cold cache costs one more the first time: see redis-durability.redis.test.ts).
    const warm = claimOf();
    await store.claim(warm);
    await store.complete({ id: warm.id, leaseToken: warm.leaseToken, result: { encoding: 'undefined' }, expiration: warm.expiration });
    await store.release(warm.id, warm.leaseToken);
    await store.putStep({ id: randomUUID(), result: { encoding: 'undefined' }, expiration: warm.expiration, now: NOW });
  });
  afterAll(() => connection.close());
  beforeEach(() => counter.reset());

  describe('claim', () => {
    it('claims an absent key in one round trip and sets the key to expire when the record stops counting', async () => {
      const request = claimOf();
      const before = Date.now(); // the server shares this machine's clock: its script runs between the two readings
      expect(await store.claim(request)).toEqual({ claimed: true });
      const after = Date.now();
      expect(counter.counts).toEqual({ evalsha: 1 });
      expect(await admin.hGetAll(store.keyOf(request.id))).toEqual({
        status: 'IN_PROGRESS',
        leaseToken: request.leaseToken,
        leaseExpiresAt: String(request.leaseExpiresAt),
        expiration: String(request.expiration),
        createdAt: String(NOW),
        fingerprint: 'fp-1',
      });
      const lifetime = (request.expiration + 1) * 1000 - request.now + EXPIRED_KEY_GRACE_MS;
      const expiresAt = await admin.pExpireTime(store.keyOf(request.id));
      expect(expiresAt).toBeGreaterThanOrEqual(before + lifetime);
      expect(expiresAt).toBeLessThanOrEqual(after + lifetime);
    });

    it("measures the key's lifetime on the caller's clock, so a caller whose clock is a day behind the server's is not freed early", async () => {
      const dayAgo = NOW - 86_400_000;
      const request = claimOf({ now: dayAgo, leaseExpiresAt: dayAgo + 30_000, expiration: Math.floor(dayAgo / 1000) + RETENTION_S });
      await store.claim(request);
      expect(await admin.pTTL(store.keyOf(request.id))).toBeGreaterThan((RETENTION_S - 60) * 1000);
    });

    it('stores no fingerprint field when the request has none', async () => {
      const request = claimOf({ fingerprint: undefined });
      await store.claim(request);
      expect(await store.get(request.id)).toMatchObject({ status: 'IN_PROGRESS', fingerprint: undefined });
      expect(await admin.hExists(store.keyOf(request.id), 'fingerprint')).toBe(0);
    });

    it('refuses a key held by a live lease and returns the holder in the same round trip', async () => {
      const first = claimOf();
      await store.claim(first);
      counter.reset();
      const result = await store.claim({ ...first, leaseToken: randomUUID() });
      expect(counter.counts).toEqual({ evalsha: 1 });
      expect(result).toEqual({
        claimed: false,
        existing: {
          id: first.id,
          status: 'IN_PROGRESS',
          leaseToken: first.leaseToken,
          leaseExpiresAt: first.leaseExpiresAt,
          expiration: first.expiration,
          fingerprint: 'fp-1',
          createdAt: NOW,
        },
      });
    });

    it('counts a retried claim whose first answer was lost as claimed (same lease token), leaving the record as it was', async () => {
      const request = claimOf();
      await store.claim(request);
      const before = await admin.hGetAll(store.keyOf(request.id));
      expect(await store.claim({ ...request, now: NOW + 5 })).toEqual({ claimed: true });
      expect(await admin.hGetAll(store.keyOf(request.id))).toEqual(before);
    });

    it('takes over an in-progress record whose lease has ended, returning the record it replaced', async () => {
      const crashed = claimOf({ leaseExpiresAt: NOW - 1 });
      await store.claim(crashed);
      const takeover = { ...crashed, leaseToken: randomUUID(), leaseExpiresAt: NOW + 30_000 };
      const result = await store.claim(takeover);
      expect(result).toEqual({
        claimed: true,
        replaced: expect.objectContaining({ status: 'IN_PROGRESS', leaseToken: crashed.leaseToken }),
      });
      expect(await store.get(crashed.id)).toMatchObject({ status: 'IN_PROGRESS', leaseToken: takeover.leaseToken });
    });

    it("treats a record expired by the caller's clock as absent, even before Redis drops the key", async () => {
      const old = claimOf();
      await store.complete({ id: old.id, leaseToken: old.leaseToken, result: encodeResult('ignored', 1024), expiration: old.expiration }); // absent: not completed
      await store.claim(old);
      await store.complete({ id: old.id, leaseToken: old.leaseToken, result: encodeResult({ v: 1 }, 1024), expiration: old.expiration });
      const later = NOW + (RETENTION_S + 10) * 1000;
      const fresh = {
        ...old,
        leaseToken: randomUUID(),
        now: later,
        leaseExpiresAt: later + 30_000,
        expiration: Math.floor(later / 1000) + RETENTION_S,
      };
      const result = await store.claim(fresh);
      expect(result).toEqual({ claimed: true, replaced: expect.objectContaining({ status: 'COMPLETED', leaseToken: old.leaseToken }) });
      expect(await store.get(old.id)).toMatchObject({ status: 'IN_PROGRESS', leaseToken: fresh.leaseToken });
      expect(await admin.hExists(store.keyOf(old.id), 'result')).toBe(0);
    });

    it('refuses a completed key and returns the stored result with it', async () => {
      const request = claimOf();
      await store.claim(request);
      await store.complete({
        id: request.id,
        leaseToken: request.leaseToken,
        result: { encoding: 'json', data: '{"ok":true}' },
        expiration: request.expiration,
      });
      const result = await store.claim({ ...request, leaseToken: randomUUID() });
      expect(result).toEqual({
        claimed: false,
        existing: expect.objectContaining({ status: 'COMPLETED', result: { encoding: 'json', data: '{"ok":true}' } }),
      });
    });
  });

  describe('complete', () => {
    it("completes the caller's record in one round trip, keeps its lease token and moves the key's expiry with the record's", async () => {
      const request = claimOf();
      await store.claim(request);
      counter.reset();
      const expiration = request.expiration + 60;
      const claimedUntil = await admin.pExpireTime(store.keyOf(request.id));
      expect(
        await store.complete({ id: request.id, leaseToken: request.leaseToken, result: { encoding: 'json', data: '[1,2]' }, expiration }),
      ).toEqual({ completed: true });
      expect(counter.counts).toEqual({ evalsha: 1 });
      expect(await store.get(request.id)).toEqual({
        id: request.id,
        status: 'COMPLETED',
        expiration,
        fingerprint: 'fp-1',
        createdAt: NOW,
        leaseToken: request.leaseToken,
        result: { encoding: 'json', data: '[1,2]' },
      });
      expect(await admin.hExists(store.keyOf(request.id), 'leaseExpiresAt')).toBe(0);
      // Moved as far as the expiration, never less. The script reads the key's PTTL and sets PEXPIRE, and Redis 7.0 reads
      // its clock for each command, so a millisecond that ticks between the two lengthens the key by it (seen under load).
      const movedTo = await admin.pExpireTime(store.keyOf(request.id));
      expect(movedTo).toBeGreaterThanOrEqual(claimedUntil + 60_000);
      expect(movedTo).toBeLessThan(claimedUntil + 61_000);
    });

    it('succeeds again when a completion that already landed is retried', async () => {
      const request = claimOf();
      await store.claim(request);
      const completion = {
        id: request.id,
        leaseToken: request.leaseToken,
        result: { encoding: 'undefined' } as const,
        expiration: request.expiration,
      };
      expect(await store.complete(completion)).toEqual({ completed: true });
      expect(await store.complete(completion)).toEqual({ completed: true });
      expect(await store.get(request.id)).toMatchObject({ status: 'COMPLETED', result: { encoding: 'undefined' } });
    });

    it("refuses a completion whose lease was taken over, leaving the new owner's record alone", async () => {
      const late = claimOf({ leaseExpiresAt: NOW - 1 });
      await store.claim(late);
      const owner = { ...late, leaseToken: randomUUID(), leaseExpiresAt: NOW + 30_000 };
      await store.claim(owner);
      expect(
        await store.complete({
          id: late.id,
          leaseToken: late.leaseToken,
          result: { encoding: 'json', data: '"late"' },
          expiration: late.expiration,
        }),
      ).toEqual({ completed: false });
      expect(await store.get(late.id)).toMatchObject({ status: 'IN_PROGRESS', leaseToken: owner.leaseToken });
    });

    it('does not complete an absent key', async () => {
      expect(
        await store.complete({ id: randomUUID(), leaseToken: randomUUID(), result: { encoding: 'omitted' }, expiration: NOW_S + 60 }),
      ).toEqual({ completed: false });
    });

    it('keeps a gzip result byte for byte, and `omitted` without a result field', async () => {
      const big = { items: Array.from({ length: 3_000 }, (_, i) => ({ i, name: `item ${i}` })) };
      const encoded = encodeResult(big, store.maxResultBytes);
      expect(encoded.encoding).toBe('json-gzip');
      const request = claimOf();
      await store.claim(request);
      await store.complete({ id: request.id, leaseToken: request.leaseToken, result: encoded, expiration: request.expiration });
      const stored = await store.get(request.id);
      expect(stored?.status === 'COMPLETED' && stored.result).toEqual({
        encoding: 'json-gzip',
        data: new Uint8Array((encoded as { data: Uint8Array }).data),
      });

      const omitted = claimOf();
      await store.claim(omitted);
      await store.complete({
        id: omitted.id,
        leaseToken: omitted.leaseToken,
        result: { encoding: 'omitted' },
        expiration: omitted.expiration,
      });
      expect(await store.get(omitted.id)).toMatchObject({ status: 'COMPLETED', result: { encoding: 'omitted' } });
      expect(await admin.hExists(store.keyOf(omitted.id), 'result')).toBe(0);
    });
  });

  describe('release', () => {
    it("deletes the caller's in-progress record in one round trip, and counts a retried release as released", async () => {
      const request = claimOf();
      await store.claim(request);
      counter.reset();
      expect(await store.release(request.id, request.leaseToken)).toEqual({ released: true });
      expect(counter.counts).toEqual({ evalsha: 1 });
      expect(await admin.exists(store.keyOf(request.id))).toBe(0);
      expect(await store.release(request.id, request.leaseToken)).toEqual({ released: true });
    });

    it("refuses another invocation's token and never deletes a completed record", async () => {
      const request = claimOf();
      await store.claim(request);
      expect(await store.release(request.id, randomUUID())).toEqual({ released: false });
      await store.complete({
        id: request.id,
        leaseToken: request.leaseToken,
        result: { encoding: 'json', data: '1' },
        expiration: request.expiration,
      });
      expect(await store.release(request.id, request.leaseToken)).toEqual({ released: false });
      expect(await store.get(request.id)).toMatchObject({ status: 'COMPLETED' });
    });
  });

  describe('get', () => {
    it('reads a record in one round trip, and nothing for an absent key', async () => {
      expect(await store.get(randomUUID())).toBeUndefined();
      expect(counter.counts).toEqual({ hgetall: 1 });
    });

    it("rejects at once with the signal's reason when the signal has already aborted", async () => {
      const controller = new AbortController();
      controller.abort(new Error('wait over'));
      await expect(store.get(randomUUID(), { signal: controller.signal })).rejects.toThrow('wait over');
    });
  });

  describe('steps', () => {
    const stepOf = (overrides: Partial<StepPutRequest> = {}): StepPutRequest => ({
      id: randomUUID(),
      result: { encoding: 'json', data: '{"charge":"ch_1"}' },
      expiration: NOW_S + RETENTION_S,
      now: NOW,
      ...overrides,
    });

    it("stores a step in one round trip as a hash under the prefix, its key living to its expiration plus the grace on the caller's clock", async () => {
      const data = new Uint8Array([0x1f, 0x8b, 0, 255, 10]);
      const request = stepOf({ result: { encoding: 'json-gzip', data }, now: NOW + 0.4 }); // a clock reading fractions
      const before = Date.now();
      expect(await store.putStep(request)).toEqual({ stored: true });
      const after = Date.now();
      expect(counter.counts).toEqual({ evalsha: 1 });
      expect(await admin.hGetAll(store.keyOf(request.id))).toEqual({
        status: 'STEP',
        expiration: String(request.expiration),
        createdAt: String(request.now),
        resultEncoding: 'json-gzip',
        result: Buffer.from(data).toString('base64'),
      });
      const lifetime = Math.ceil((request.expiration + 1) * 1000 - request.now + EXPIRED_KEY_GRACE_MS);
      const expiresAt = await admin.pExpireTime(store.keyOf(request.id));
      expect(expiresAt).toBeGreaterThanOrEqual(before + lifetime);
      expect(expiresAt).toBeLessThanOrEqual(after + lifetime);
      counter.reset();
      expect(await store.getStep({ id: request.id, now: NOW })).toEqual({ encoding: 'json-gzip', data });
      expect(counter.counts).toEqual({ hgetall: 1 });
    });

    it("measures a step key's lifetime on the caller's clock, so a caller whose clock is a day behind the server's keeps it", async () => {
      const dayAgo = NOW - 86_400_000;
      const request = stepOf({ now: dayAgo, expiration: Math.floor(dayAgo / 1000) + RETENTION_S });
      await store.putStep(request);
      expect(await admin.pTTL(store.keyOf(request.id))).toBeGreaterThan((RETENTION_S - 60) * 1000);
    });

    it('stores no result field for a step that returned undefined, and reads it back as such', async () => {
      const request = stepOf({ result: { encoding: 'undefined' } });
      await store.putStep(request);
      expect(await admin.hExists(store.keyOf(request.id), 'result')).toBe(0);
      expect(await store.getStep({ id: request.id, now: NOW })).toEqual({ encoding: 'undefined' });
    });

    it("replaces a step expired by the caller's clock before Redis drops its key, with a fresh lifetime", async () => {
      const request = stepOf({ expiration: NOW_S + 10 });
      await store.putStep(request);
      const later = NOW + 11_000;
      const again = stepOf({ id: request.id, result: { encoding: 'json', data: '"new"' }, expiration: NOW_S + RETENTION_S, now: later });
      expect(await store.putStep(again)).toEqual({ stored: true });
      expect(await admin.pTTL(store.keyOf(request.id))).toBeGreaterThan((RETENTION_S - 60) * 1000);
      expect(await store.getStep({ id: request.id, now: later })).toEqual({ encoding: 'json', data: '"new"' });
    });

    it('refuses to write a step over a live record under the same key, and leaves the record alone', async () => {
      const request = claimOf();
      await store.claim(request);
      await expect(store.putStep(stepOf({ id: request.id }))).rejects.toThrow('not a step');
      expect(await store.getStep({ id: request.id, now: NOW })).toBeUndefined();
      expect(await store.get(request.id)).toMatchObject({ status: 'IN_PROGRESS', leaseToken: request.leaseToken });
    });
  });

  describe('key prefix', () => {
    it('keeps stores with different prefixes apart on one server', async () => {
      const other = new RedisStore({ client: connection.client, keyPrefix: uniquePrefix() });
      const request = claimOf();
      await store.claim(request);
      expect(await other.claim({ ...request, leaseToken: randomUUID() })).toEqual({ claimed: true });
      expect(await admin.exists([store.keyOf(request.id), other.keyOf(request.id)])).toBe(2);
      expect(store.keyOf(request.id).startsWith(store.keyPrefix)).toBe(true);
    });

    it('uses `idempotency:` when none is given', () => {
      expect(new RedisStore({ client: connection.client }).keyOf('abc')).toBe('idempotency:abc');
    });
  });
});
