import type { HttpResponse } from './problem';

/** The response headers a replay repeats; everything else (cookies, per-request ids) is neither stored nor replayed. */
export const DEFAULT_REPLAYED_HEADERS: readonly string[] = Object.freeze([
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-location',
  'content-type',
  'etag',
  'expires',
  'last-modified',
  'link',
  'location',
  'vary',
]);

/** What is stored for a replay: status, body and the safe headers. */
export interface StoredResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

/**
 * The handler's result as an explicit response. HTTP API accepts a bare value (sent as 200 JSON);
 * it is made explicit here so the stored and the replayed response are exactly what the first caller got.
 */
export function normalizeResponse(result: unknown): HttpResponse {
  if (typeof result === 'object' && result !== null && typeof (result as { statusCode?: unknown }).statusCode === 'number') {
    return result as HttpResponse;
  }
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
  };
}

/** The part of a response that may be stored and replayed to another attempt. */
export function storableResponse(response: HttpResponse, replayedHeaders: ReadonlySet<string>): StoredResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (replayedHeaders.has(name.toLowerCase())) headers[name] = String(value);
  }
  for (const [name, values] of Object.entries(response.multiValueHeaders ?? {})) {
    if (replayedHeaders.has(name.toLowerCase()) && !(name in headers)) headers[name] = values.map(String).join(', ');
  }
  return {
    statusCode: response.statusCode,
    headers,
    ...(response.body !== undefined && { body: response.body }),
    ...(response.isBase64Encoded !== undefined && { isBase64Encoded: response.isBase64Encoded }),
  };
}

/** A stored response as a replay: marked with `Idempotent-Replayed: true`. */
export function replayResponse(stored: StoredResponse): HttpResponse {
  return { ...stored, headers: { ...stored.headers, 'Idempotent-Replayed': 'true' } };
}

/**
 * 4xx that refuse the request before it does anything (malformed, unauthorised, conflicting, too
 * early or too often): released, so that the corrected request can reuse its key, as Stripe does.
 */
export const RELEASED_CLIENT_ERRORS: readonly number[] = Object.freeze([400, 401, 403, 408, 409, 413, 415, 422, 429]);

/**
 * Final (stored and replayed): 2xx, 3xx and the 4xx that report an outcome (402 declined, 404, 410…).
 * Released (a retry runs again): 5xx and `RELEASED_CLIENT_ERRORS`.
 */
export function isFinalStatus(statusCode: number): boolean {
  return statusCode < 500 && !RELEASED_CLIENT_ERRORS.includes(statusCode);
}
