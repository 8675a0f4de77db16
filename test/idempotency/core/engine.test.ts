import { IdempotencyEngine } from '../../../lib/idempotency/core/engine';
import { resolveEngineOptions, type EngineOptions } from '../../../lib/idempotency/core/options';
import type { ClaimRequest, IdempotencyStore } from '../../../lib/idempotency/core/store';
import { MemoryStore } from '../../../lib/idempotency/testing';

/** A clock that moves only when the engine sleeps: every wait is exact, and no test waits in real time. */
function virtualTime(start = 1_800_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => void (now += ms),
    sleeps,
  };
}

function engineWith(store: IdempotencyStore, time: ReturnType<typeof virtualTime>, overrides: Partial<EngineOptions> = {}) {
  return new IdempotencyEngine(
    resolveEngineOptions(
      { store, now: time.now, sleep: time.sleep, random: () => 0.5, logger: { warn: () => undefined }, ...overrides },
      'test',
      [],
    ),
  );
}

/** A context whose remaining time follows the virtual clock, as Lambda's follows the real one. */
const contextUntil = (time: ReturnType<typeof virtualTime>, remainingMs: number) => {
  const deadline = time.now() + remainingMs;
  return { getRemainingTimeInMillis: () => Math.max(0, deadline - time.now()) };
};

describe('the engine on MemoryStore, with a virtual clock and sleep', () => {
  it('polls an in-flight key with backoff (40 ms doubling to 400 ms) and hands the duplicate the result once it completes', async () => {
    const time = virtualTime();
    const store = new MemoryStore();
    const engine = engineWith(store, time);
    const first = await engine.start(contextUntil(time, 30_000)).begin({ key: 'k' });
    if (first.kind !== 'claimed') throw new Error('premise: the first invocation claims');
    const realGet = store.get.bind(store);
    let reads = 0;
    store.get = async (id, options) => {
      if (++reads === 4) await first.claim.complete({ paid: true });
      return realGet(id, options);
    };
    const outcome = await engine.start(contextUntil(time, 30_000)).execute({ key: 'k', run: async () => 'never' });
    expect(outcome).toEqual({ kind: 'replayed', result: { paid: true }, createdAt: 1_800_000_000_000, expiresAt: 1_800_086_400_000 });
    expect(time.sleeps).toEqual([40, 80, 160, 320]);
  });

  it("turns a duplicate away at its wait bound with the lease's Retry-After, never past its remaining time less the margin", async () => {
    const time = virtualTime();
    const store = new MemoryStore();
    const engine = engineWith(store, time, { inFlightWaitMs: 5_000, leaseMarginMs: 1_000 });
    await engine.start(contextUntil(time, 30_000)).begin({ key: 'k' });
    const started = time.now();
    const outcome = await engine.start(contextUntil(time, 2_500)).execute({ key: 'k', run: async () => 'never' });
    expect(outcome).toEqual({ kind: 'in-progress', retryAfterSeconds: 5 });
    expect(time.now() - started).toBe(1_500); // 2.5 s remaining less the 1 s margin, not the 5 s wait
  });

  it('hands a key that keeps changing hands back to the caller after 8 claim attempts, in progress, without running', async () => {
    const time = virtualTime();
    let claims = 0;
    // Every claim loses the race, and every read finds the key freed again: the record keeps changing hands.
    const churning: IdempotencyStore = {
      maxResultBytes: 1000,
      claim: async (request: ClaimRequest) => {
        claims++;
        return {
          claimed: false,
          existing: {
            id: request.id,
            status: 'IN_PROGRESS',
            leaseToken: 'other',
            leaseExpiresAt: request.now + 1,
            expiration: request.expiration,
            createdAt: request.now,
          },
        };
      },
      get: async () => undefined,
      complete: async () => ({ completed: false }),
      release: async () => ({ released: false }),
    };
    let runs = 0;
    const outcome = await engineWith(churning, time)
      .start(contextUntil(time, 30_000))
      .execute({ key: 'k', run: async () => ++runs });
    expect(outcome).toEqual({ kind: 'in-progress', retryAfterSeconds: 1 });
    expect(claims).toBe(8);
    expect(runs).toBe(0);
  });

  it('takes over a key whose lease ended, runs it and counts the takeover', async () => {
    const time = virtualTime();
    const store = new MemoryStore();
    const lines: string[] = [];
    const engine = engineWith(store, time, { metrics: { emit: (line) => void lines.push(line) } });
    const crashed = engine.start(contextUntil(time, 1_000));
    expect((await crashed.begin({ key: 'k' })).kind).toBe('claimed');
    time.advance(2_001); // the lease was 1 s + the 1 s margin
    const takeover = engine.start(contextUntil(time, 10_000));
    let runs = 0;
    expect(await takeover.execute({ key: 'k', run: async () => ++runs })).toEqual({ kind: 'ran', result: 1 });
    takeover.flush();
    expect(JSON.parse(lines[0]!)).toMatchObject({ LeaseTakeovers: 1, Claimed: 1 });
  });

  it('replays from the local cache with no store call, and forgets the record once it expires', async () => {
    const time = virtualTime();
    const store = new MemoryStore();
    const engine = engineWith(store, time, { localCache: true, expiresAfterSeconds: 60 });
    await engine.start().execute({ key: 'k', run: async () => 'first' });
    let calls = 0;
    store.claim = ((claim) => async (request: ClaimRequest) => (calls++, claim(request)))(store.claim.bind(store));
    expect(await engine.start().execute({ key: 'k', run: async () => 'again' })).toEqual({
      kind: 'replayed',
      result: 'first',
      createdAt: expect.any(Number),
      expiresAt: expect.any(Number),
    });
    expect(calls).toBe(0);
    time.advance(61_000);
    expect(await engine.start().execute({ key: 'k', run: async () => 'again' })).toEqual({ kind: 'ran', result: 'again' });
    expect(calls).toBe(1);
  });

  it('returns a mismatch for the same key with another fingerprint, and runs nothing', async () => {
    const time = virtualTime();
    const engine = engineWith(new MemoryStore(), time);
    await engine.start().execute({ key: 'k', fingerprint: 'a', run: async () => 1 });
    let runs = 0;
    expect(await engine.start().execute({ key: 'k', fingerprint: 'b', run: async () => ++runs })).toEqual({ kind: 'mismatch' });
    expect(runs).toBe(0);
  });

  it('tells its own store faults from a store fault the handler threw', async () => {
    const time = virtualTime();
    const failing = new MemoryStore();
    failing.claim = async () => {
      throw new Error('throttled');
    };
    const invocation = engineWith(failing, time).start();
    const own = await invocation.execute({ key: 'k', run: async () => 1 }).catch((error: unknown) => error);
    expect(invocation.isStoreFault(own)).toBe(true);

    const nested = engineWith(failing, time);
    const outer = engineWith(new MemoryStore(), time).start();
    const thrown = await outer
      .execute({ key: 'k', run: async () => nested.start().execute({ key: 'inner', run: async () => 1 }) })
      .catch((error: unknown) => error);
    expect((thrown as { code?: string }).code).toBe('IDEMPOTENCY_STORE_FAILURE');
    expect(outer.isStoreFault(thrown)).toBe(false);
  });
});
