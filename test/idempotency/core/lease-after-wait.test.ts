import type { Context } from 'aws-lambda';
import { idempotent } from 'lambda-idempotency';
import { MemoryStore } from 'lambda-idempotency/testing';

// Found by the simulator (test/simulation, `leaseEndsWithInvocation`): a duplicate that waited and then claimed
// the freed key took its lease from the remaining time it read before the wait, so the lease outlived the invocation.
describe('a lease taken after waiting for an in-flight key', () => {
  it("ends with the invocation's own deadline plus the margin, not the wait later", async () => {
    let now = 1_800_000_000_000;
    let releaseOwner: (error: Error) => void = () => undefined;
    const store = new MemoryStore();
    const context = (remainingMs: number) => {
      const deadline = now + remainingMs;
      return { getRemainingTimeInMillis: () => deadline - now } as unknown as Context;
    };
    let ownerRunning = false;
    let leaseSeen: number | undefined;
    const handler = idempotent(
      async (event: { id: string; owner: boolean }, _context, idem) => {
        if (event.owner) {
          ownerRunning = true;
          return new Promise((_, reject) => (releaseOwner = reject)); // runs until the duplicate has waited, then throws: released
        }
        const record = await store.get(idem.key!);
        leaseSeen = record?.status === 'IN_PROGRESS' ? record.leaseExpiresAt : undefined;
        return 'ran';
      },
      {
        store,
        key: (event) => event.id,
        now: () => now,
        sleep: async (ms) => {
          now += ms;
          if (ownerRunning) releaseOwner(new Error('the owner failed'));
        },
        random: () => 0.5,
        inFlightWaitMs: 2_000,
        leaseMarginMs: 1_000,
        logger: { warn: () => undefined },
      },
    );
    const owner = handler({ id: 'k', owner: true }, context(30_000)).catch(() => 'released');
    while (!ownerRunning) await new Promise((resolve) => setImmediate(resolve));
    const duplicateContext = context(3_000);
    const deadline = now + 3_000;
    await expect(handler({ id: 'k', owner: false }, duplicateContext)).resolves.toBe('ran');
    await owner;
    expect(now).toBeGreaterThan(deadline - 3_000); // premise: the duplicate claimed after waiting
    expect(leaseSeen).toBeLessThanOrEqual(deadline + 1_000);
  });
});
