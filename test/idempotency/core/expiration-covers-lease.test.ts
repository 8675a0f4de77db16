import type { Context } from 'aws-lambda';
import { hasErrorCode, idempotent, ErrorCode } from 'lambda-idempotency';
import { MemoryStore } from 'lambda-idempotency/testing';

// Found by the simulator (test/simulation, seed 1686 before the fix): with a retention shorter than the lease,
// the in-progress record expired while its owner still held the lease, so a duplicate claimed it and ran again.
describe('an in-progress record whose retention is shorter than its lease', () => {
  it('keeps duplicates out until the lease ends: the record does not expire before its lease', async () => {
    let now = 1_800_000_000_000;
    const store = new MemoryStore();
    let runs = 0;
    let finishOwner: (value: string) => void = () => undefined;
    const handler = idempotent(
      async () => {
        runs++;
        return runs === 1 ? new Promise<string>((resolve) => (finishOwner = resolve)) : 'second run';
      },
      {
        store,
        key: (event: { id: string }) => event.id,
        now: () => now,
        expiresAfterSeconds: 2,
        inFlightWaitMs: 0,
        logger: { warn: () => undefined },
      },
    );
    const context = (remainingMs: number) => {
      const deadline = now + remainingMs;
      return { getRemainingTimeInMillis: () => deadline - now } as unknown as Context;
    };
    const owner = handler({ id: 'k' }, context(10_000));
    while (runs === 0) await new Promise((resolve) => setImmediate(resolve));
    now += 4_000; // past the 2 s retention, well within the owner's 10 s (+1 s margin) lease
    const duplicate = await handler({ id: 'k' }, context(10_000)).catch((error: unknown) => error);
    expect(hasErrorCode(duplicate, ErrorCode.inProgress)).toBe(true);
    expect(runs).toBe(1);
    finishOwner('first run');
    await expect(owner).resolves.toBe('first run');
  });
});
