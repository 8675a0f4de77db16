import { openInput, ownerKey, pageInput, reserveInput, settleInput } from '../../lambda/payment/payment-items';

const REQUEST = { amount: 1000, currency: 'EUR', source: 'tok_visa' } as const;
const PAYMENT = {
  id: 'pay_01m8rbw2b0thjswe1f6qtkydfx',
  amount: 1000,
  currency: 'EUR',
  status: 'pending',
  created: '2026-12-01T00:00:00.000Z',
  charge: null,
  downstreamKey: 'd'.repeat(64),
} as const;

describe('the ledger writes, built without a client', () => {
  it('hashes the principal into a bounded partition key', () => {
    expect(ownerKey('p'.repeat(10_000))).toMatch(/^OWNER#[\w-]{43}$/);
    expect(ownerKey('alice')).not.toBe(ownerKey('bob'));
  });

  it('reserves an id once per downstream key and refuses another request under it', () => {
    const input = reserveInput('ledger', 'k'.repeat(64), REQUEST, PAYMENT.id, PAYMENT.created);
    expect(input.Key).toEqual({ pk: `INTENT#${'k'.repeat(64)}`, sk: 'INTENT' });
    expect(input.UpdateExpression).toContain('paymentId = if_not_exists(paymentId, :id)');
    expect(input.ConditionExpression).toBe('attribute_not_exists(pk) OR (amount = :amount AND currency = :currency AND #source = :source)');
    expect(input.ReturnValues).toBe('ALL_NEW');
  });

  it('opens a payment only where none is', () => {
    const input = openInput('ledger', 'alice', PAYMENT);
    expect(input.Item).toMatchObject({
      pk: ownerKey('alice'),
      sk: `PAYMENT#${PAYMENT.id}`,
      status: 'pending',
      downstreamKey: PAYMENT.downstreamKey,
    });
    expect(input.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('settles a pending payment, repeatably, and never moves a settled one', () => {
    const succeeded = settleInput('ledger', 'alice', PAYMENT.id, {
      chargeId: 'ch_1',
      amount: 1000,
      currency: 'EUR',
      status: 'succeeded',
      created: PAYMENT.created,
    });
    expect(succeeded.ExpressionAttributeValues).toMatchObject({ ':status': 'succeeded', ':charge': 'ch_1', ':pending': 'pending' });
    expect(succeeded.ConditionExpression).toBe('attribute_exists(pk) AND (#status = :pending OR (#status = :status AND charge = :charge))');
    const declined = settleInput('ledger', 'alice', PAYMENT.id, {
      chargeId: 'ch_2',
      amount: 1000,
      currency: 'EUR',
      status: 'declined',
      created: PAYMENT.created,
    });
    expect(declined.ExpressionAttributeValues?.[':status']).toBe('failed');
  });

  it('pages newest first, and walks up from ending_before', () => {
    expect(pageInput('ledger', 'alice', { limit: 10 })).toMatchObject({ ScanIndexForward: false, Limit: 11 });
    expect(pageInput('ledger', 'alice', { limit: 10 }).ExclusiveStartKey).toBeUndefined();
    expect(pageInput('ledger', 'alice', { limit: 5, after: PAYMENT.id })).toMatchObject({
      ScanIndexForward: false,
      ExclusiveStartKey: { pk: ownerKey('alice'), sk: `PAYMENT#${PAYMENT.id}` },
    });
    expect(pageInput('ledger', 'alice', { limit: 5, before: PAYMENT.id })).toMatchObject({ ScanIndexForward: true, Limit: 6 });
  });
});
