import { randomUUID } from 'node:crypto';
import type { ClaimRequest, EncodedResult, IdempotencyStore, RenewRequest } from '../../lib/idempotency/core/store';

// ms, in 2100: every condition compares against the request's own clock reading, and a date in the future keeps
// DynamoDB Local's own TTL sweep (which does delete expired items) away from the records under test.
const NOW = 4_102_444_800_000;
const HOUR_S = 3_600;
const nowSeconds = Math.floor(NOW / 1000);

function claimRequest(overrides: Partial<ClaimRequest> = {}): ClaimRequest {
  return {
    id: `contract-${randomUUID()}`,
    leaseToken: randomUUID(),
    leaseExpiresAt: NOW + 10_000,
    expiration: nowSeconds + 24 * HOUR_S,
    fingerprint: 'fp-1',
    now: NOW,
    ...overrides,
  };
}

/**
 * The contract every `IdempotencyStore` keeps, run against each store unchanged: each row of the record
 * table, fencing on complete and release, expiry treated as absent, and retried writes that landed.
 */
export function describeStoreContract(name: string, setup: () => IdempotencyStore | Promise<IdempotencyStore>): void {
  describe(`${name} keeps the store contract`, () => {
    let store: IdempotencyStore;
    beforeAll(async () => {
      store = await setup();
    });

    const completed = async (
      request: ClaimRequest,
      result: EncodedResult = { encoding: 'json', data: '{"ok":true}' },
      expiration = request.expiration,
    ) => {
      expect(await store.claim(request)).toMatchObject({ claimed: true });
      expect(await store.complete({ id: request.id, leaseToken: request.leaseToken, result, expiration })).toEqual({ completed: true });
    };

    describe('claim', () => {
      it('claims an absent key and stores it in progress with its lease', async () => {
        const request = claimRequest();
        expect(await store.claim(request)).toEqual({ claimed: true });
        expect(await store.get(request.id)).toMatchObject({
          id: request.id,
          status: 'IN_PROGRESS',
          leaseToken: request.leaseToken,
          leaseExpiresAt: request.leaseExpiresAt,
          expiration: request.expiration,
          fingerprint: 'fp-1',
          createdAt: NOW,
        });
      });

      it('refuses a key in progress with a live lease and returns the holder in the same answer', async () => {
        const first = claimRequest();
        await store.claim(first);
        const second = claimRequest({ id: first.id, now: NOW + 9_999 });
        const result = await store.claim(second);
        expect(result).toMatchObject({ claimed: false, existing: { status: 'IN_PROGRESS', leaseToken: first.leaseToken } });
        expect(await store.get(first.id)).toMatchObject({ leaseToken: first.leaseToken });
      });

      it('takes over a key whose lease has ended, and reports the record it replaced', async () => {
        const first = claimRequest();
        await store.claim(first);
        const second = claimRequest({ id: first.id, now: first.leaseExpiresAt + 1, leaseExpiresAt: first.leaseExpiresAt + 10_000 });
        const result = await store.claim(second);
        expect(result).toMatchObject({ claimed: true, replaced: { status: 'IN_PROGRESS', leaseToken: first.leaseToken } });
        expect(await store.get(first.id)).toMatchObject({ status: 'IN_PROGRESS', leaseToken: second.leaseToken });
      });

      it('refuses a completed key and returns it with its result and fingerprint', async () => {
        const first = claimRequest();
        await completed(first);
        const result = await store.claim(claimRequest({ id: first.id, now: first.leaseExpiresAt + 60_000 }));
        expect(result).toMatchObject({
          claimed: false,
          existing: { status: 'COMPLETED', fingerprint: 'fp-1', result: { encoding: 'json', data: '{"ok":true}' } },
        });
      });

      it('treats an expired record as absent, completed or in progress, though it is still stored', async () => {
        const done = claimRequest({ expiration: nowSeconds - 1 });
        await completed(done, { encoding: 'undefined' }, nowSeconds - 1);
        expect(await store.claim(claimRequest({ id: done.id }))).toMatchObject({ claimed: true, replaced: { status: 'COMPLETED' } });
        const stuck = claimRequest({ expiration: nowSeconds - 1, leaseExpiresAt: NOW + 60_000 });
        await store.claim({ ...stuck, now: NOW - 2_000 });
        expect(await store.claim(claimRequest({ id: stuck.id }))).toMatchObject({ claimed: true });
      });

      it('recognises its own claim retried after the first attempt landed (same lease token): claimed, record unchanged', async () => {
        const request = claimRequest();
        await store.claim(request);
        expect(await store.claim({ ...request, now: NOW + 5 })).toMatchObject({ claimed: true });
        expect(await store.get(request.id)).toMatchObject({ status: 'IN_PROGRESS', leaseToken: request.leaseToken, createdAt: NOW });
      });
    });

    describe('complete', () => {
      it.each<[string, EncodedResult]>([
        ['JSON', { encoding: 'json', data: '{"id":"pay_1","amount":1000}' }],
        ['compressed JSON', { encoding: 'json-gzip', data: new Uint8Array([31, 139, 8, 0, 1, 2, 3]) }],
        ['undefined', { encoding: 'undefined' }],
        ['omitted (too large)', { encoding: 'omitted' }],
      ])('completes with a %s result that reads back exactly, keeping the fingerprint', async (_kind, result) => {
        const request = claimRequest();
        await completed(request, result, nowSeconds + 99);
        const record = await store.get(request.id);
        expect(record).toMatchObject({ status: 'COMPLETED', expiration: nowSeconds + 99, fingerprint: 'fp-1' });
        const stored = (record as { result: EncodedResult }).result;
        if (result.encoding === 'json-gzip') expect(Buffer.from((stored as { data: Uint8Array }).data)).toEqual(Buffer.from(result.data));
        else expect(stored).toEqual(result);
      });

      it('refuses a completion by another lease token (a late invocation after a takeover): the new owner stands', async () => {
        const first = claimRequest();
        await store.claim(first);
        const owner = claimRequest({ id: first.id, now: first.leaseExpiresAt + 1, leaseExpiresAt: first.leaseExpiresAt + 10_000 });
        await store.claim(owner);
        expect(
          await store.complete({
            id: first.id,
            leaseToken: first.leaseToken,
            result: { encoding: 'json', data: '"late"' },
            expiration: nowSeconds + 5,
          }),
        ).toEqual({ completed: false });
        expect(await store.get(first.id)).toMatchObject({ status: 'IN_PROGRESS', leaseToken: owner.leaseToken });
      });

      it('counts a retried completion that already landed as done, with the same result', async () => {
        const request = claimRequest();
        const completion = {
          id: request.id,
          leaseToken: request.leaseToken,
          result: { encoding: 'json', data: '1' } as EncodedResult,
          expiration: nowSeconds + 7,
        };
        await store.claim(request);
        expect(await store.complete(completion)).toEqual({ completed: true });
        expect(await store.complete(completion)).toEqual({ completed: true });
        expect(await store.get(request.id)).toMatchObject({ status: 'COMPLETED', result: { encoding: 'json', data: '1' } });
      });

      it('refuses to complete a key that is not claimed', async () => {
        const request = claimRequest();
        expect(
          await store.complete({
            id: request.id,
            leaseToken: request.leaseToken,
            result: { encoding: 'undefined' },
            expiration: nowSeconds,
          }),
        ).toEqual({ completed: false });
        expect(await store.get(request.id)).toBeUndefined();
      });
    });

    describe('release', () => {
      it('deletes its own claim, so the key is free again', async () => {
        const request = claimRequest();
        await store.claim(request);
        expect(await store.release(request.id, request.leaseToken)).toEqual({ released: true });
        expect(await store.get(request.id)).toBeUndefined();
        expect(await store.claim(claimRequest({ id: request.id }))).toEqual({ claimed: true });
      });

      it('refuses to delete a record that holds another lease token', async () => {
        const first = claimRequest();
        await store.claim(first);
        const owner = claimRequest({ id: first.id, now: first.leaseExpiresAt + 1, leaseExpiresAt: first.leaseExpiresAt + 10_000 });
        await store.claim(owner);
        expect(await store.release(first.id, first.leaseToken)).toEqual({ released: false });
        expect(await store.get(first.id)).toMatchObject({ leaseToken: owner.leaseToken });
      });

      it('counts a retried release whose record is already gone as released', async () => {
        const request = claimRequest();
        await store.claim(request);
        await store.release(request.id, request.leaseToken);
        expect(await store.release(request.id, request.leaseToken)).toEqual({ released: true });
      });

      it('never deletes a record completed by another lease token', async () => {
        const request = claimRequest();
        await completed(request);
        expect(await store.release(request.id, randomUUID())).toEqual({ released: false });
        expect(await store.get(request.id)).toMatchObject({ status: 'COMPLETED' });
      });
    });

    describe('renew: extends only your own live claim; refused after a takeover; a retried renewal that landed counts as renewed', () => {
      const renewal = (request: ClaimRequest, overrides: Partial<RenewRequest> = {}): RenewRequest => ({
        id: request.id,
        leaseToken: request.leaseToken,
        leaseExpiresAt: NOW + 60_000,
        expiration: nowSeconds + 25 * HOUR_S,
        now: NOW + 5_000,
        ...overrides,
      });
      const renew = (request: RenewRequest) => store.renew!(request);

      it('moves its own lease and expiration forward, so a claim after the old lease end is still refused', async () => {
        const request = claimRequest();
        await store.claim(request);
        expect(await renew(renewal(request))).toEqual({ renewed: true });
        expect(await store.get(request.id)).toMatchObject({
          status: 'IN_PROGRESS',
          leaseToken: request.leaseToken,
          leaseExpiresAt: NOW + 60_000,
          expiration: nowSeconds + 25 * HOUR_S,
          fingerprint: 'fp-1',
          createdAt: NOW,
        });
        const late = claimRequest({ id: request.id, now: request.leaseExpiresAt + 1 });
        expect(await store.claim(late)).toMatchObject({ claimed: false, existing: { leaseToken: request.leaseToken } });
      });

      it('refuses after a takeover and names the new owner, whose record stands', async () => {
        const first = claimRequest();
        await store.claim(first);
        const owner = claimRequest({ id: first.id, now: first.leaseExpiresAt + 1, leaseExpiresAt: first.leaseExpiresAt + 10_000 });
        await store.claim(owner);
        expect(await renew(renewal(first))).toMatchObject({
          renewed: false,
          existing: { status: 'IN_PROGRESS', leaseToken: owner.leaseToken },
        });
        expect(await store.get(first.id)).toMatchObject({ leaseToken: owner.leaseToken, leaseExpiresAt: owner.leaseExpiresAt });
      });

      it('counts a retried renewal that already landed as renewed, and never moves a lease back', async () => {
        const request = claimRequest();
        await store.claim(request);
        const later = renewal(request, { leaseExpiresAt: NOW + 90_000 });
        expect(await renew(later)).toEqual({ renewed: true });
        expect(await renew(later)).toEqual({ renewed: true });
        expect(await renew(renewal(request))).toEqual({ renewed: true }); // an earlier renewal arriving late
        expect(await store.get(request.id)).toMatchObject({ leaseToken: request.leaseToken, leaseExpiresAt: NOW + 90_000 });
      });

      it('extends its own lease that ended while nobody took the key over: still its claim', async () => {
        const request = claimRequest();
        await store.claim(request);
        const after = renewal(request, { now: request.leaseExpiresAt + 1, leaseExpiresAt: request.leaseExpiresAt + 30_000 });
        expect(await renew(after)).toEqual({ renewed: true });
        expect(await store.get(request.id)).toMatchObject({ leaseExpiresAt: request.leaseExpiresAt + 30_000 });
      });

      it('refuses a completed record, even its own, and a key that is gone', async () => {
        const done = claimRequest();
        await completed(done);
        expect(await renew(renewal(done))).toMatchObject({ renewed: false, existing: { status: 'COMPLETED' } });
        expect(await store.get(done.id)).toMatchObject({ status: 'COMPLETED', expiration: done.expiration });
        const released = claimRequest();
        await store.claim(released);
        await store.release(released.id, released.leaseToken);
        expect(await renew(renewal(released))).toEqual({ renewed: false, existing: undefined });
        expect(await store.get(released.id)).toBeUndefined();
      });
    });

    describe('get', () => {
      it('reads an absent key as undefined', async () => {
        expect(await store.get(`absent-${randomUUID()}`)).toBeUndefined();
      });

      it('rejects when its signal is already aborted', async () => {
        const request = claimRequest();
        await store.claim(request);
        await expect(store.get(request.id, { signal: AbortSignal.abort() })).rejects.toThrow();
      });
    });
  });
}

/**
 * The step rows of the contract (`getStep` / `putStep`, the recovery points of `idem.step`), for every store that
 * keeps steps: written once (the first result stands and is handed to the second writer), read back exactly,
 * expiry treated as absent, and a retried put that landed is not mistaken for another run's.
 */
export function describeStepContract(name: string, setup: () => IdempotencyStore | Promise<IdempotencyStore>): void {
  describe(`${name} keeps the step contract`, () => {
    let store: IdempotencyStore;
    beforeAll(async () => {
      store = await setup();
    });
    const put = (id: string, result: EncodedResult, overrides: { expiration?: number; now?: number } = {}) =>
      store.putStep!({ id, result, expiration: overrides.expiration ?? nowSeconds + HOUR_S, now: overrides.now ?? NOW });

    it('reads an absent step as undefined', async () => {
      expect(await store.getStep!({ id: `step-${randomUUID()}`, now: NOW })).toBeUndefined();
    });

    it('stores a step once and reads it back, JSON and gzip alike', async () => {
      const json = `step-${randomUUID()}`;
      const gzip = `step-${randomUUID()}`;
      const bytes = new Uint8Array([31, 139, 8, 0, 1, 2, 3]);
      expect(await put(json, { encoding: 'json', data: '{"reserved":3}' })).toEqual({ stored: true });
      expect(await put(gzip, { encoding: 'json-gzip', data: bytes })).toEqual({ stored: true });
      expect(await store.getStep!({ id: json, now: NOW })).toEqual({ encoding: 'json', data: '{"reserved":3}' });
      expect(await store.getStep!({ id: gzip, now: NOW })).toEqual({ encoding: 'json-gzip', data: bytes });
    });

    it('keeps the first result when a second run stores the same step, and hands that result back', async () => {
      const id = `step-${randomUUID()}`;
      await put(id, { encoding: 'json', data: '"first"' });
      expect(await put(id, { encoding: 'json', data: '"second"' })).toEqual({
        stored: false,
        existing: { encoding: 'json', data: '"first"' },
      });
      expect(await store.getStep!({ id, now: NOW })).toEqual({ encoding: 'json', data: '"first"' });
    });

    it('treats an expired step as absent, and lets a new run store it again', async () => {
      const id = `step-${randomUUID()}`;
      await put(id, { encoding: 'json', data: '"old"' }, { expiration: nowSeconds + 10 });
      const later = NOW + 11_000;
      expect(await store.getStep!({ id, now: later })).toBeUndefined();
      expect(await put(id, { encoding: 'json', data: '"new"' }, { now: later })).toEqual({ stored: true });
      expect(await store.getStep!({ id, now: later })).toEqual({ encoding: 'json', data: '"new"' });
    });

    it('answers a retried put that landed with its own result', async () => {
      const id = `step-${randomUUID()}`;
      const result: EncodedResult = { encoding: 'undefined' };
      await put(id, result);
      expect(await put(id, result)).toEqual({ stored: false, existing: result });
    });

    it('keeps a step apart from the records: reading its id as a record finds none', async () => {
      const id = `step-${randomUUID()}`;
      await put(id, { encoding: 'json', data: '1' });
      expect(await store.get(id)).toBeUndefined();
    });
  });
}
