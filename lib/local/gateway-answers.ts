/** An answer API Gateway gives itself, before or instead of the function's. */
export interface GatewayAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The payload version names the product: 2.0 is an HTTP API (the deployed stack), 1.0 a REST API. */
export type PayloadVersion = '1.0' | '2.0';

const message = (status: number, text: string): GatewayAnswer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: text }),
});

/**
 * No route matches the method and path. An HTTP API has no 405: a known path with another method is
 * the same 404, answered before any authorizer runs. A REST API answers 403 "Missing Authentication Token".
 */
export function noRoute(version: PayloadVersion): GatewayAnswer {
  return version === '2.0' ? message(404, 'Not Found') : message(403, 'Missing Authentication Token');
}

/**
 * The request cannot be handed to the function: over the API's 10 MB payload quota, or an event over
 * Lambda's synchronous invocation limit (6,291,456 bytes), which Lambda refuses without running anything.
 */
export function tooLarge(version: PayloadVersion): GatewayAnswer {
  return version === '2.0' ? message(413, 'Request Entity Too Large') : message(413, 'Request Too Long');
}

/** The function threw, timed out, or returned what API Gateway cannot read. */
export function functionError(version: PayloadVersion): GatewayAnswer {
  return version === '2.0' ? message(500, 'Internal Server Error') : message(502, 'Internal server error');
}
