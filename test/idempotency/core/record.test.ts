import { isClaimable, isOwnClaim, isTakeover, type IdempotencyRecord } from '../../../lib/idempotency/core/record';

const now = 1_800_000_000_000;
const inProgress = (leaseToken: string, leaseExpiresAt: number, expiration = now / 1000 + 60): IdempotencyRecord => ({
  id: 'k',
  status: 'IN_PROGRESS',
  leaseToken,
  leaseExpiresAt,
  expiration,
  createdAt: now - 1,
});

describe('the record rules', () => {
  it('claims only an absent, expired or lease-ended record', () => {
    expect(isClaimable(undefined, now)).toBe(true);
    expect(isClaimable(inProgress('a', now + 1), now)).toBe(false);
    expect(isClaimable(inProgress('a', now - 1), now)).toBe(true);
    expect(isClaimable(inProgress('a', now + 10_000, now / 1000 - 1), now)).toBe(true);
    expect(
      isClaimable({ id: 'k', status: 'COMPLETED', expiration: now / 1000, result: { encoding: 'undefined' }, createdAt: 0 }, now),
    ).toBe(false);
  });

  it('knows its own claim by the lease token, in progress only', () => {
    expect(isOwnClaim(inProgress('mine', now + 1), 'mine')).toBe(true);
    expect(isOwnClaim(inProgress('theirs', now + 1), 'mine')).toBe(false);
    expect(
      isOwnClaim(
        { id: 'k', status: 'COMPLETED', leaseToken: 'mine', expiration: 1, result: { encoding: 'undefined' }, createdAt: 0 },
        'mine',
      ),
    ).toBe(false);
  });

  it("counts a takeover only of another invocation's unexpired claim, never of its own record", () => {
    expect(isTakeover(inProgress('other', now - 1), 'mine', now)).toBe(true);
    expect(isTakeover(inProgress('mine', now - 1), 'mine', now)).toBe(false);
    expect(isTakeover(inProgress('other', now - 1, now / 1000 - 1), 'mine', now)).toBe(false); // expired: absent
    expect(isTakeover(undefined, 'mine', now)).toBe(false);
  });
});
