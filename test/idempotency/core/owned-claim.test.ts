import { randomUUID } from 'node:crypto';
import { heldClaim } from '../../../lib/idempotency/core/claim/settlement';
import { IdempotencyEngine } from '../../../lib/idempotency/core/engine';
import { unkeptLease } from '../../../lib/idempotency/core/lease-keeper';
import { resolveEngineOptions } from '../../../lib/idempotency/core/options';
import type { StepFunction } from '../../../lib/idempotency/core/steps/step-function';
import { MemoryStore } from '../../../lib/idempotency/testing';
import { VirtualClock } from '../../support/virtual-clock';

// A claim owned by something that outlives the invocation (a durable execution) brings its own token and lease end.
const HOUR = 3_600_000;

function ownedClaimScene() {
  const clock = new VirtualClock();
  const store = clock.track(new MemoryStore());
  const engine = new IdempotencyEngine(
    resolveEngineOptions(
      { store, now: clock.now, sleep: clock.sleep, leaseTimer: clock.sleep, random: () => 0.5, logger: { warn: () => undefined } },
      'test',
      [],
    ),
  );
  const deadline = clock.now() + 15 * 60_000;
  const context = { getRemainingTimeInMillis: () => Math.max(0, deadline - clock.now()) };
  return { clock, store, invocation: engine.start(context) };
}

describe('a claim whose owner brings its lease token and lease end', () => {
  it('writes that token and lease end, starts no lease keeper, and its idem.signal never aborts however long it runs', async () => {
    const { clock, store, invocation } = ownedClaimScene();
    const leaseExpiresAt = clock.now() + 24 * HOUR;
    const begun = await invocation.begin({ key: randomUUID(), leaseToken: 'execution-token', leaseExpiresAt });
    if (begun.kind !== 'claimed') throw new Error(`expected a claim, got ${begun.kind}`);
    expect(await store.get(begun.claim.idem.key!)).toMatchObject({ status: 'IN_PROGRESS', leaseToken: 'execution-token', leaseExpiresAt });

    await clock.advance(14 * 60_000); // far past every renewal point of the default slice
    expect([clock.calls.renew, clock.sleepers, begun.claim.idem.signal.aborted, begun.claim.idem.leaseLost]).toEqual([
      undefined,
      0,
      false,
      false,
    ]);
    await begun.claim.complete('done');
  });

  it('unlike an invocation-owned claim, whose keeper renews its lease while it runs', async () => {
    const { clock, invocation } = ownedClaimScene();
    const begun = await invocation.begin({ key: randomUUID() });
    if (begun.kind !== 'claimed') throw new Error(`expected a claim, got ${begun.kind}`);
    await clock.advance(14 * 60_000);
    expect(clock.calls.renew).toBeGreaterThan(0);
    await begun.claim.complete('done');
  });
});

describe('heldClaim with the invocation as its holder (the durable wrapper)', () => {
  it("settles a claim by its token with the owner's steps, its leaseLost a live getter rather than a copied value", async () => {
    const { invocation } = ownedClaimScene();
    const begun = await invocation.begin({ key: randomUUID(), leaseToken: 'execution-token', leaseExpiresAt: Date.now() + HOUR });
    if (begun.kind !== 'claimed') throw new Error(`expected a claim, got ${begun.kind}`);
    const step: StepFunction = async (_name, fn) => fn();
    const claim = heldClaim(begun.claim.idem.key!, 'execution-token', undefined, invocation.claimant, unkeptLease(), step, true);
    expect(claim.idem.step).toBe(step);
    expect(typeof Object.getOwnPropertyDescriptor(claim.idem, 'leaseLost')?.get).toBe('function');
    expect(await claim.complete('done')).toEqual({ kind: 'completed' });
  });

  it('throws a release that fails past the retries (throwSettleFaults) and may release again, where a plain claim logs it', async () => {
    const { clock, store, invocation } = ownedClaimScene();
    const begun = await invocation.begin({ key: randomUUID(), leaseToken: 'execution-token', leaseExpiresAt: Date.now() + HOUR });
    if (begun.kind !== 'claimed') throw new Error(`expected a claim, got ${begun.kind}`);
    const id = begun.claim.idem.key!;
    const release = store.release.bind(store);
    let faults = 100;
    store.release = async (...args) => (faults-- > 0 ? Promise.reject(new Error('throttled')) : release(...args));
    const logged = heldClaim(id, 'execution-token', undefined, invocation.claimant, unkeptLease());
    const retriedOut = async (settling: Promise<void>) => {
      const outcome = settling.then(
        () => 'settled',
        (error: Error) => error.message,
      );
      await clock.advance(60_000); // the settlement's retries back off on the virtual clock
      return outcome;
    };
    expect(await retriedOut(logged.release('the handler threw'))).toBe('settled');
    const thrown = heldClaim(id, 'execution-token', undefined, invocation.claimant, unkeptLease(), undefined, true);
    expect(await retriedOut(thrown.release('the handler threw'))).toBe('throttled');
    faults = 0;
    await thrown.release('the handler threw');
    expect(await store.get(id)).toBeUndefined();
  });
});
