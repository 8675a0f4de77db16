import { TEST_TOKENS, type TestToken } from './fake-gateway';

/** A valid `POST /payments` body. */
export interface PaymentRequest {
  readonly amount: number;
  readonly currency: string;
  readonly source: TestToken;
}

/** One offending field, as in RFC 9457's `invalid-params` example. */
export interface InvalidParam {
  readonly name: string;
  readonly reason: string;
}

/** The largest amount accepted, in minor units (as Stripe's 99,999,999). */
export const MAX_AMOUNT = 99_999_999;

/** Parses and validates a payment body; lists every offending field. */
export function parsePaymentRequest(body: string | undefined): { ok: true; value: PaymentRequest } | { ok: false; errors: InvalidParam[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return { ok: false, errors: [{ name: 'body', reason: 'must be a JSON object' }] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, errors: [{ name: 'body', reason: 'must be a JSON object' }] };
  }
  const { amount, currency, source } = parsed as Record<string, unknown>;
  const errors: InvalidParam[] = [];
  if (!Number.isSafeInteger(amount) || (amount as number) < 1 || (amount as number) > MAX_AMOUNT) {
    errors.push({ name: 'amount', reason: `must be a positive integer in minor units, at most ${MAX_AMOUNT}` });
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    errors.push({ name: 'currency', reason: 'must be a three-letter ISO 4217 code in capitals, such as "EUR"' });
  }
  if (typeof source !== 'string' || !(TEST_TOKENS as readonly string[]).includes(source)) {
    errors.push({ name: 'source', reason: `must be one of the test tokens ${TEST_TOKENS.join(', ')}` });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { amount: amount as number, currency: currency as string, source: source as TestToken } };
}
