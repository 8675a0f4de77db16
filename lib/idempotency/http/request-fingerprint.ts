import { CanonicalJson } from '../core/canonical-json';
import { canonicalJsonText } from '../core/canonical-json-text';
import { fingerprintOf } from '../core/scoped-key';
import type { HttpRequest } from './http-event';

const JSON_CONTENT_TYPE = /^application\/([\w.+-]+\+)?json\b/i;
// Fatal: bytes that are not UTF-8 must not be decoded into U+FFFD, which would make two bodies one.
// BOM kept: JSON.parse refuses it, so a body with one stays bytes, as it always was.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * sha256 of what makes two requests the same: method, route, path and query parameters, and body.
 * A JSON body is compared as canonical JSON (key order, whitespace and number spelling do not matter;
 * every member does); any other body, one that is not UTF-8 or not JSON, or JSON nested deeper than
 * `MAX_DEPTH`, byte for byte (after base64 decoding).
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
    const text = decodeUtf8(request.body);
    const canonical = text === undefined ? undefined : canonicalJsonText(text);
    if (canonical !== undefined) return { json: new CanonicalJson(canonical) };
  }
  return { base64: request.body.toString('base64') };
}

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
