import type { SmokeResponse } from '../../lib/smoke/api-client';
import { isCreated, isReplayOf, isSeparatePayment, isTokenRefused, isUnauthorized, listsOnly, paymentsIn } from '../../lib/smoke/verdicts';

function response(status: number, body: unknown, headers: Record<string, string> = {}): SmokeResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers: new Headers(headers), text, json };
}

const payment = { id: 'pay_1', amount: 1000, currency: 'EUR', status: 'succeeded', created: '2026-12-01T00:00:00.000Z' };

describe('the smoke verdicts', () => {
  it('read GET /payments as a list, as { data }, or as a Stripe-style { data, has_more }', () => {
    expect(paymentsIn([payment])).toEqual([payment]);
    expect(paymentsIn({ data: [payment] })).toEqual([payment]);
    expect(paymentsIn({ object: 'list', data: [payment], has_more: false })).toEqual([payment]);
    for (const other of [{ items: [payment] }, { data: 'x' }, null, undefined, 'text', 42]) expect(paymentsIn(other)).toBeUndefined();
  });

  it('pass 401 without a token, and nothing else', () => {
    expect(isUnauthorized(response(401, { message: 'Unauthorized' }))).toEqual({ pass: true, reason: '401 without a token' });
    for (const status of [200, 201, 403, 404, 500]) expect(isUnauthorized(response(status, {})).pass).toBe(false);
  });

  it('pass a first 201 with a payment id and no replay header', () => {
    expect(isCreated(response(201, payment))).toEqual({ pass: true, reason: '201, payment pay_1' });
    expect(isCreated(response(200, payment))).toEqual({ pass: false, reason: 'expected 201, got 200' });
    expect(isCreated(response(201, { amount: 1 }))).toEqual({ pass: false, reason: '201, but the body has no payment `id`' });
    expect(isCreated(response(201, 'not json'))).toMatchObject({ pass: false });
    expect(isCreated(response(201, payment, { 'Idempotent-Replayed': 'true' }))).toEqual({
      pass: false,
      reason: '201, but a first request came back with Idempotent-Replayed: true',
    });
  });

  it('pass a replay only with the same status, Idempotent-Replayed: true and the same body, byte for byte', () => {
    const first = response(201, payment);
    expect(isReplayOf(response(201, payment, { 'idempotent-replayed': 'true' }), first).pass).toBe(true);
    expect(isReplayOf(response(201, payment), first)).toEqual({
      pass: false,
      reason: 'expected Idempotent-Replayed: true, got no such header',
    });
    expect(isReplayOf(response(201, payment, { 'idempotent-replayed': 'false' }), first).reason).toBe(
      'expected Idempotent-Replayed: true, got false',
    );
    expect(isReplayOf(response(409, {}, { 'idempotent-replayed': 'true' }), first).reason).toBe('expected 201 again, got 409');
    // The same JSON with the keys in another order is another body: a replay returns the stored bytes.
    const reordered = response(
      201,
      JSON.stringify({ amount: 1000, id: 'pay_1', currency: 'EUR', status: 'succeeded', created: payment.created }),
      { 'idempotent-replayed': 'true' },
    );
    expect(isReplayOf(reordered, first).pass).toBe(false);
  });

  it('pass an ID token refused with 401 or 403 (the missing scope), and fail one that is accepted', () => {
    expect(isTokenRefused(response(401, { message: 'Unauthorized' })).pass).toBe(true);
    expect(
      isTokenRefused(
        response(
          403,
          { message: 'Forbidden' },
          { 'www-authenticate': 'Bearer scope="aws.cognito.signin.user.admin" error="insufficient_scope"' },
        ),
      ).pass,
    ).toBe(true);
    expect(isTokenRefused(response(201, payment))).toEqual({
      pass: false,
      reason: 'the API accepted an ID token (201): the routes must require the access-token scope',
    });
    expect(isTokenRefused(response(500, {})).reason).toBe('expected 401 or 403 for an ID token, got 500');
  });

  it("pass another caller's payment only when it is new and not the first caller's", () => {
    expect(isSeparatePayment(response(201, { ...payment, id: 'pay_2' }), 'pay_1')).toEqual({
      pass: true,
      reason: '201, a payment of their own (pay_2)',
    });
    expect(isSeparatePayment(response(201, payment), 'pay_1')).toEqual({ pass: false, reason: "got the other caller's payment pay_1" });
    expect(isSeparatePayment(response(201, payment, { 'idempotent-replayed': 'true' }), 'pay_1').pass).toBe(false);
  });

  it('pass a list of exactly the one expected payment', () => {
    expect(listsOnly(response(200, { data: [payment] }), 'pay_1')).toEqual({ pass: true, reason: 'exactly one payment: pay_1' });
    expect(listsOnly(response(200, [payment]), 'pay_1').pass).toBe(true);
    expect(listsOnly(response(200, { data: [] }), 'pay_1').reason).toBe('expected exactly one payment, got 0');
    expect(listsOnly(response(200, { data: [payment, { ...payment, id: 'pay_2' }] }), 'pay_1').reason).toBe(
      'expected exactly one payment, got 2: pay_1, pay_2',
    );
    expect(listsOnly(response(200, { data: [{ ...payment, id: 'pay_9' }] }), 'pay_1').reason).toBe('expected payment pay_1, got pay_9');
    expect(listsOnly(response(200, { payments: [payment] }), 'pay_1').reason).toBe('the body is neither a list nor `{ data: [...] }`');
    expect(listsOnly(response(401, {}), 'pay_1').reason).toBe('expected 200, got 401');
  });
});
