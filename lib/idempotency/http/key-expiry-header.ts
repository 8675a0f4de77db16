import type { HttpResponse } from './problem';

/**
 * The header a replay carries its key's expiry in. Named after the IETF draft's "Idempotency Key Validity and
 * Expiry" section (draft-ietf-httpapi-idempotency-key-header): what expires is the key, so the name is the
 * request header's plus `-Expires`; `Expires` itself is a caching header and would change how caches treat the response.
 */
export const DEFAULT_KEY_EXPIRY_HEADER = 'Idempotency-Key-Expires';

/** `response` with `header` set to the key's expiry as an HTTP date (IMF-fixdate); unchanged when `header` is `false`. */
export function withKeyExpiry(response: HttpResponse, header: string | false, expiresAt: number): HttpResponse {
  if (header === false) return response;
  return { ...response, headers: { ...response.headers, [header]: new Date(expiresAt).toUTCString() } };
}
