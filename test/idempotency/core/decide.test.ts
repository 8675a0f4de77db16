import { decide } from '../../../lib/idempotency/core/decide';
import { leaseDurationMs, retryAfterSeconds, waitBudgetMs } from '../../../lib/idempotency/core/lease';
import type { IdempotencyRecord } from '../../../lib/idempotency/core/store';

const now = Date.UTC(2026, 10, 29, 12, 0, 0);
const nowSeconds = now / 1000;
const inProgress = (leaseExpiresAt: number, fingerprint?: string): IdempotencyRecord => ({
  id: 'id',
  status: 'IN_PROGRESS',
  leaseToken: 't',
  leaseExpiresAt,
  expiration: nowSeconds + 100,
  fingerprint,
  createdAt: now,
});
const completed = (expiration: number, fingerprint?: string): IdempotencyRecord => ({
  id: 'id',
  status: 'COMPLETED',
  expiration,
  fingerprint,
  result: { encoding: 'json', data: '1' },
  createdAt: now,
});

describe('decide', () => {
  it('claims a key that is absent, expired, or whose lease has ended', () => {
    expect(decide(undefined, undefined, now).kind).toBe('claim');
    expect(decide(completed(nowSeconds - 1), undefined, now).kind).toBe('claim');
    expect(decide(inProgress(now - 1), undefined, now).kind).toBe('claim');
  });

  it('waits on a live lease, including the millisecond it ends at', () => {
    expect(decide(inProgress(now), undefined, now)).toEqual({ kind: 'wait', leaseExpiresAt: now });
  });

  it('replays a completed record until the second its expiration names has passed', () => {
    expect(decide(completed(nowSeconds), 'f', now).kind).toBe('replay');
  });

  it('reports a mismatch only when both sides have a fingerprint and they differ', () => {
    expect(decide(completed(nowSeconds + 10, 'a'), 'b', now).kind).toBe('mismatch');
    expect(decide(inProgress(now + 10, 'a'), 'b', now).kind).toBe('mismatch');
    expect(decide(completed(nowSeconds + 10), 'b', now).kind).toBe('replay');
    expect(decide(completed(nowSeconds + 10, 'a'), undefined, now).kind).toBe('replay');
  });

  it('reports a completed record whose result was too large as unavailable', () => {
    const record: IdempotencyRecord = { ...completed(nowSeconds + 10), result: { encoding: 'omitted' } } as IdempotencyRecord;
    expect(decide(record, undefined, now).kind).toBe('unavailable');
  });
});

describe('lease arithmetic', () => {
  const options = { leaseMarginMs: 1_000, maxLeaseMs: 10_000, leaseWithoutContextMs: 60_000, inFlightWaitMs: 5_000 };

  it('leases remaining time plus margin, capped, and the documented default without a context', () => {
    expect(leaseDurationMs(3_000, options)).toBe(4_000);
    expect(leaseDurationMs(0, options)).toBe(1_000);
    expect(leaseDurationMs(60_000, options)).toBe(10_000);
    expect(leaseDurationMs(undefined, options)).toBe(60_000);
  });

  it('bounds the wait by the option and by the remaining time less the margin', () => {
    expect(waitBudgetMs(undefined, options)).toBe(5_000);
    expect(waitBudgetMs(30_000, options)).toBe(5_000);
    expect(waitBudgetMs(2_500, options)).toBe(1_500);
    expect(waitBudgetMs(500, options)).toBe(0);
  });

  it('asks for a retry between 1 and 5 seconds', () => {
    expect(retryAfterSeconds(now + 200, now)).toBe(1);
    expect(retryAfterSeconds(now + 2_100, now)).toBe(3);
    expect(retryAfterSeconds(now + 600_000, now)).toBe(5);
    expect(retryAfterSeconds(now - 5, now)).toBe(1);
  });
});
