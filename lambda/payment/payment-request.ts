import { TEST_TOKENS, type TestToken } from './fake-gateway';
import { canonicalCurrency } from './iso-4217';

/** A valid `POST /payments` body, the currency in capitals. */
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

/** The largest body accepted, in bytes: a payment is under 100; anything near this is not one. */
export const MAX_BODY_BYTES = 4_096;

const FIELDS = ['amount', 'currency', 'source'];

// `application/json`, optionally with `charset=utf-8` (RFC 8259 JSON is UTF-8), in any letter case.
const JSON_MEDIA_TYPE = /^application\/json[ \t]*(;[ \t]*charset[ \t]*=[ \t]*("utf-8"|utf-8)[ \t]*)?$/i;

/** Whether a `Content-Type` header announces the JSON this API reads. */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_MEDIA_TYPE.test(contentType.trim());
}

/**
 * Parses and validates a payment body (its size and depth already screened), listing every offending
 * field: no unknown fields, the amount, the currency, the source. All before anything is written or charged.
 */
export function parsePaymentRequest(body: Buffer): { ok: true; value: PaymentRequest } | { ok: false; errors: InvalidParam[] } {
  const notAnObject = { ok: false as const, errors: [{ name: 'body', reason: 'must be a JSON object in UTF-8' }] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return notAnObject;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return notAnObject;

  const fields = parsed as Record<string, unknown>;
  const errors: InvalidParam[] = Object.keys(fields)
    .filter((name) => !FIELDS.includes(name))
    .slice(0, 5) // the first few are enough to fix the request, and keep the answer small
    .map((name) => ({ name: name.slice(0, 64), reason: `is not a field of a payment (expected ${FIELDS.join(', ')})` }));
  const { amount, currency, source } = fields;
  if (!Number.isSafeInteger(amount) || (amount as number) < 1 || (amount as number) > MAX_AMOUNT) {
    errors.push({ name: 'amount', reason: `must be a positive integer in minor units, at most ${MAX_AMOUNT}` });
  }
  const code = canonicalCurrency(currency);
  if (!code)
    errors.push({ name: 'currency', reason: 'must be an active ISO 4217 code, in capitals or lower case, such as "EUR" or "usd"' });
  if (typeof source !== 'string' || !(TEST_TOKENS as readonly string[]).includes(source)) {
    errors.push({ name: 'source', reason: `must be one of the test tokens ${TEST_TOKENS.join(', ')}` });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { amount: amount as number, currency: code!, source: source as TestToken } };
}
