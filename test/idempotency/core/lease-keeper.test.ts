import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../lib/idempotency';
import { keepLease } from '../../../lib/idempotency/core/lease-keeper';
import { resolveLeaseOptions } from '../../../lib/idempotency/core/lease-options';
import { leaseFor, renewalDueAt, renewalRetryDelayMs } from '../../../lib/idempotency/core/lease-plan';
import type { IdempotencyStore, RenewRequest } from '../../../lib/idempotency/core/store';
import { InvocationTelemetry } from '../../../lib/idempotency/core/telemetry';
import { MemoryStore } from '../../../lib/idempotency/testing';
import { VirtualClock } from '../../support/virtual-clock';

const SECOND = 1_000;
const BASE = { leaseMarginMs: 1_000, maxLeaseMs: 901_000, leaseWithoutContextMs: 60_000, expiresAfterSeconds: 86_400 };
const lease = (store: IdempotencyStore, overrides: Record<string, unknown> = {}) => ({
  ...resolveLeaseOptions({}, 1_000),
  ...BASE,
  store,
  ...overrides,
});

describe('the lease plan', () => {
  const store = new MemoryStore();

  it('grants one slice and renews it when the invocation outlasts it, or runs without a Lambda context', () => {
    expect(leaseFor(15 * 60 * SECOND, lease(store))).toEqual({ ms: 60 * SECOND, renewed: true });
    expect(leaseFor(undefined, lease(store))).toEqual({ ms: 60 * SECOND, renewed: true });
  });

  it('grants the remaining time plus the margin, unrenewed, when Lambda ends the invocation first', () => {
    expect(leaseFor(10 * SECOND, lease(store))).toEqual({ ms: 11 * SECOND, renewed: false });
    expect(leaseFor(59 * SECOND, lease(store))).toEqual({ ms: 60 * SECOND, renewed: false });
  });

  it('keeps the caps as the longest single lease, renewed past them', () => {
    expect(leaseFor(15 * 60 * SECOND, lease(store, { maxLeaseMs: 5_000 }))).toEqual({ ms: 5_000, renewed: true });
    expect(leaseFor(undefined, lease(store, { leaseWithoutContextMs: 42_000 }))).toEqual({ ms: 42_000, renewed: true });
  });

  it('grants a fixed lease as it is, never renewed, whatever the remaining time', () => {
    expect(leaseFor(10 * SECOND, lease(store, { fixedLeaseMs: 600_000 }))).toEqual({ ms: 600_000, renewed: false });
  });

  it('keeps the old lease for a store without renew: remaining time plus margin, capped', () => {
    const { renew: _renew, ...plain } = { ...store, claim: store.claim, renew: undefined };
    expect(leaseFor(15 * 60 * SECOND, lease(plain as unknown as IdempotencyStore))).toEqual({ ms: 901_000, renewed: false });
  });

  it('renews at the renewal point and retries with backoff until the lease end less the margin', () => {
    expect(renewalDueAt(1_000, 60_000, 0.5)).toBe(31_000);
    expect([0, 1, 2, 3, 4, 5, 6, 9].map((attempt) => renewalRetryDelayMs(attempt, 0, 60_000, 1_000))).toEqual([
      50, 100, 200, 400, 800, 1_600, 1_600, 1_600,
    ]);
    expect(renewalRetryDelayMs(0, 58_950, 60_000, 1_000)).toBeUndefined();
  });
});

describe('lease options', () => {
  it.each([
    [{ leaseSliceMs: 4_999 }, /`leaseSliceMs` to be an integer >= 5000, got 4999/],
    [{ leaseSliceMs: 30_000.5 }, /`leaseSliceMs`/],
    [{ leaseRenewalPoint: 0 }, /`leaseRenewalPoint` to be a number between 0 and 1 \(exclusive\), got 0/],
    [{ leaseRenewalPoint: 1 }, /`leaseRenewalPoint`.*got 1/],
    [{ leaseRenewalPoint: '0.5' }, /`leaseRenewalPoint`.*got "0.5"/],
    [{ leaseSliceMs: 5_000, leaseRenewalPoint: 0.9 }, /`leaseRenewalPoint` to leave more than `leaseMarginMs` \(1000 ms\)/],
    [{ fixedLeaseMs: 999 }, /`fixedLeaseMs` to be an integer >= 1000, got 999/],
    [{ leaseTimer: 'soon' }, /`leaseTimer` to be a function/],
  ])('refuses %j with a TypeError naming the option', (options, message) => {
    expect(() => resolveLeaseOptions(options as never, 1_000)).toThrow(TypeError);
    expect(() => resolveLeaseOptions(options as never, 1_000)).toThrow(message);
  });

  it('defaults to a 60 s slice renewed at half time', () => {
    expect(resolveLeaseOptions({}, 1_000)).toMatchObject({ leaseSliceMs: 60_000, leaseRenewalPoint: 0.5, fixedLeaseMs: undefined });
  });
});

describe('the lease keeper', () => {
  /** A memory store whose renewals fail while `down` (a store fault where no wire proxy exists), counting every try. */
  function flakyStore() {
    const memory = new MemoryStore();
    const state = { down: false, tries: 0 };
    const store: IdempotencyStore = Object.assign(Object.create(memory) as MemoryStore, {
      renew: async (request: RenewRequest) => {
        state.tries++;
        if (state.down) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' });
        return memory.renew(request);
      },
    });
    return { store, memory, state };
  }

  async function kept(store: IdempotencyStore, clock: VirtualClock, remaining?: number) {
    const id = randomUUID();
    const leaseToken = randomUUID();
    const options = { ...lease(store, { leaseTimer: clock.sleep }), now: clock.now };
    const grant = leaseFor(remaining, options);
    await store.claim({
      id,
      leaseToken,
      leaseExpiresAt: clock.now() + grant.ms,
      expiration: Math.floor(clock.now() / 1000) + 3_600,
      now: clock.now(),
    });
    const warnings: string[] = [];
    const logger = { warn: (m: string) => void warnings.push(m), error: (m: string) => void warnings.push(m) };
    const telemetry = new InvocationTelemetry(logger, undefined, clock.now);
    const context = remaining === undefined ? undefined : { getRemainingTimeInMillis: () => remaining };
    const keeper = keepLease(options, telemetry, { id, leaseToken, claimedAt: clock.now(), lease: grant }, context);
    return { id, leaseToken, keeper, telemetry, warnings };
  }

  it('renews at each renewal point, and stops for good when stopped', async () => {
    const clock = new VirtualClock();
    const { store, memory } = flakyStore();
    const { id, keeper, telemetry } = await kept(clock.track(store), clock);
    await clock.advance(30 * SECOND - 1);
    expect(clock.calls.renew).toBeUndefined();
    await clock.advance(1);
    expect(clock.calls.renew).toBe(1);
    expect(await memory.get(id)).toMatchObject({ leaseExpiresAt: clock.now() + 60 * SECOND });
    keeper.stop();
    expect(clock.sleepers).toBe(0);
    await clock.advance(10 * 60 * SECOND);
    expect([clock.calls.renew, telemetry.count('LeaseRenewals'), keeper.signal.aborted]).toEqual([1, 1, false]);
  });

  it('keeps nothing for a lease that reaches past the invocation end', async () => {
    const clock = new VirtualClock();
    const store = clock.track(new MemoryStore());
    await kept(store, clock, 20 * SECOND);
    await clock.advance(10 * 60 * SECOND);
    expect([clock.calls.renew, clock.sleepers]).toEqual([undefined, 0]);
  });

  it('rides out a store outage shorter than the rest of the lease: retried, renewed, nothing lost', async () => {
    const clock = new VirtualClock();
    const { store, state } = flakyStore();
    const { keeper, telemetry } = await kept(store, clock);
    state.down = true;
    await clock.advance(30 * SECOND + 5 * SECOND);
    state.down = false;
    await clock.advance(2 * SECOND);
    expect(keeper.signal.aborted).toBe(false);
    expect([telemetry.count('LeaseRenewals'), telemetry.count('LeasesLost')]).toEqual([1, 0]);
    expect(state.tries).toBeGreaterThan(2);
    keeper.stop();
  });

  it('aborts the signal once the store stays down until the lease end less the margin, and says so once', async () => {
    const clock = new VirtualClock();
    const { store, state } = flakyStore();
    const { keeper, telemetry, warnings } = await kept(store, clock);
    state.down = true;
    // Tries at 30 s, then after 50, 100 … 1600 ms, every 1.6 s: the last one that fits before 59 s is at 58.75 s.
    await clock.advance(58_750 - 1);
    expect(keeper.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(keeper.signal.aborted).toBe(true);
    expect(keeper.signal.reason).toMatchObject({ code: ErrorCode.leaseLost, message: expect.stringMatching(/may be lost/) });
    expect([telemetry.count('LeasesLost'), warnings.length, clock.sleepers]).toEqual([1, 1, 0]);
    await clock.advance(10 * 60 * SECOND);
    expect(telemetry.count('LeasesLost')).toBe(1);
  });
});
