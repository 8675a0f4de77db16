import type { SmokeResponse } from './api-client';

/** A check's outcome, with the reason a person reads. */
export type Verdict = { readonly pass: true; readonly reason: string } | { readonly pass: false; readonly reason: string };

/** A passing verdict. */
export const pass = (reason: string): Verdict => ({ pass: true, reason });
/** A failing verdict. */
export const fail = (reason: string): Verdict => ({ pass: false, reason });

/** The `Idempotent-Replayed` header as sent (`true` on a replay), or `undefined`. */
export function replayedHeader(response: SmokeResponse): string | undefined {
  return response.headers.get('idempotent-replayed') ?? undefined;
}

/** The payment id of a 201 body, when it has one. */
export function paymentId(response: SmokeResponse): string | undefined {
  const id = (response.json as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * The payments of a `GET /payments` body, read defensively: a bare array, or a list object
 * `{ data: [...] }` (with or without Stripe-style `has_more`). `undefined` for anything else.
 */
export function paymentsIn(body: unknown): { readonly id?: unknown }[] | undefined {
  const list = Array.isArray(body) ? body : (body as { data?: unknown } | null | undefined)?.data;
  if (!Array.isArray(list)) return undefined;
  return list.filter((item): item is { id?: unknown } => typeof item === 'object' && item !== null);
}

/** No token: the authorizer answers 401 before the function runs. */
export function isUnauthorized(response: SmokeResponse): Verdict {
  if (response.status === 401) return pass('401 without a token');
  return fail(`expected 401 without a token, got ${response.status}`);
}

/** A first payment: 201, a payment id, and no replay header. */
export function isCreated(response: SmokeResponse): Verdict {
  if (response.status !== 201) return fail(`expected 201, got ${response.status}`);
  const id = paymentId(response);
  if (!id) return fail('201, but the body has no payment `id`');
  if (replayedHeader(response) !== undefined)
    return fail(`201, but a first request came back with Idempotent-Replayed: ${replayedHeader(response)}`);
  return pass(`201, payment ${id}`);
}

/** The same request again: 201, `Idempotent-Replayed: true`, and the first body, byte for byte. */
export function isReplayOf(second: SmokeResponse, first: SmokeResponse): Verdict {
  if (second.status !== first.status) return fail(`expected ${first.status} again, got ${second.status}`);
  if (replayedHeader(second) !== 'true')
    return fail(`expected Idempotent-Replayed: true, got ${replayedHeader(second) ?? 'no such header'}`);
  if (second.text !== first.text) return fail(`replayed, but the body differs from the first: ${second.text}`);
  return pass(`${second.status} with Idempotent-Replayed: true and the same body`);
}

/** An ID token: refused by the authorizer (401, or 403 for the missing scope); 2xx means the function ran. */
export function isTokenRefused(response: SmokeResponse): Verdict {
  if (response.status === 401 || response.status === 403) return pass(`${response.status}: the ID token is refused`);
  if (response.status >= 200 && response.status < 300)
    return fail(`the API accepted an ID token (${response.status}): the routes must require the access-token scope`);
  return fail(`expected 401 or 403 for an ID token, got ${response.status}`);
}

/** Another caller, same key: their own new payment, not a replay of someone else's. */
export function isSeparatePayment(response: SmokeResponse, othersId: string | undefined): Verdict {
  const created = isCreated(response);
  if (!created.pass) return created;
  if (paymentId(response) === othersId) return fail(`got the other caller's payment ${othersId}`);
  return pass(`201, a payment of their own (${paymentId(response)})`);
}

/** `GET /payments` lists exactly one payment, the caller's `id`. */
export function listsOnly(response: SmokeResponse, id: string | undefined): Verdict {
  if (response.status !== 200) return fail(`expected 200, got ${response.status}`);
  const payments = paymentsIn(response.json);
  if (!payments) return fail('the body is neither a list nor `{ data: [...] }`');
  const ids = payments.map((payment) => String(payment.id));
  if (ids.length !== 1) return fail(`expected exactly one payment, got ${ids.length}${ids.length ? `: ${ids.join(', ')}` : ''}`);
  if (id !== undefined && ids[0] !== id) return fail(`expected payment ${id}, got ${ids[0]}`);
  return pass(`exactly one payment: ${ids[0]}`);
}
