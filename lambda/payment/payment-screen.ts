import { problemResponse, type ApiGatewayEvent, type HttpResponse } from 'lambda-idempotency';
import { PROBLEMS } from './payment-problems';
import { isJsonContentType, MAX_BODY_BYTES } from './payment-request';

/** A payment is an object of three fields; deeper nesting is no payment, whatever it holds. */
export const MAX_JSON_DEPTH = 8;

/**
 * The checks of a `POST /payments` that need no parsing, run before the idempotency layer: before the
 * claim (a write), and before the request is fingerprinted (the fingerprint walks the parsed JSON
 * recursively, so a few kilobytes of `[[[[…` would exhaust the stack). `undefined`: go on.
 */
export function screenPayment(event: ApiGatewayEvent): HttpResponse | undefined {
  const { method, resource } = routeOf(event);
  if (method !== 'POST' || resource !== '/payments') return undefined;

  if (!isJsonContentType(headerOf(event, 'content-type'))) {
    return problemResponse(
      {
        type: `${PROBLEMS}unsupported-media-type`,
        title: 'Unsupported Media Type',
        status: 415,
        detail: 'Send the payment as `Content-Type: application/json`.',
      },
      { Accept: 'application/json' },
    );
  }
  const body = bodyOf(event);
  if (body.length > MAX_BODY_BYTES) {
    return problemResponse({
      type: `${PROBLEMS}payload-too-large`,
      title: 'Payment request too large',
      status: 413,
      detail: `A payment request is at most ${MAX_BODY_BYTES} bytes.`,
    });
  }
  if (jsonDepth(body) > MAX_JSON_DEPTH) {
    return problemResponse({
      type: `${PROBLEMS}invalid-request`,
      title: 'Invalid payment request',
      status: 400,
      detail: `\`body\` nests deeper than ${MAX_JSON_DEPTH} levels`,
      errors: [{ name: 'body', reason: `nests deeper than ${MAX_JSON_DEPTH} levels` }],
    });
  }
  return undefined;
}

/** The route an event came by, and its `{id}`: REST and HTTP API name the route; a Function URL (`$default`) has the path. */
export function routeOf(event: ApiGatewayEvent): { method: string; resource: string; id: string | undefined } {
  const id = event.pathParameters?.id;
  if ('httpMethod' in event) return { method: event.httpMethod, resource: event.resource, id };
  const [method = '', resource = ''] =
    event.routeKey === '$default' ? [event.requestContext.http.method, event.rawPath] : event.routeKey.split(' ');
  return { method, resource, id };
}

/** The body as sent (base64 decoded). */
export function bodyOf(event: ApiGatewayEvent): Buffer {
  return event.body == null ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** The one value of a header, any letter case; two values (or a comma-joined pair) count as none. */
export function headerOf(event: ApiGatewayEvent, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).filter(([key]) => key.toLowerCase() === name);
  return found.length === 1 ? found[0]![1] : undefined;
}

/** The deepest nesting of `[` and `{` outside strings, in one pass over the bytes, without parsing. */
export function jsonDepth(body: Buffer): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i]!;
    if (inString) {
      if (byte === 0x5c)
        i++; // a backslash escapes the next byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return deepest;
}
