import { fingerprintOf } from '../core/scoped-key';
import type { HttpRequest } from './http-event';

const JSON_CONTENT_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

/**
 * sha256 of what makes two requests the same: method, route, path and query parameters, and body.
 * A JSON body is compared as parsed JSON (key order and whitespace do not matter); any other body,
 * or JSON that does not parse, byte for byte (after base64 decoding).
 */
export function requestFingerprint(request: HttpRequest): string {
  const query = [...request.query.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return fingerprintOf({
    method: request.method,
    route: request.route,
    pathParameters: request.pathParameters,
    query,
    body: bodyForFingerprint(request),
  });
}

function bodyForFingerprint(request: HttpRequest): unknown {
  if (!request.body || request.body.length === 0) return null;
  const contentType = request.headers.get('content-type')?.[0] ?? '';
  if (JSON_CONTENT_TYPE.test(contentType)) {
    try {
      return { json: JSON.parse(request.body.toString('utf8')) };
    } catch {
      // Not JSON after all: compare the bytes.
    }
  }
  return { base64: request.body.toString('base64') };
}
