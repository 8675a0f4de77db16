/** The CORS settings an HTTP API is configured with (its `corsConfiguration`). */
export interface CorsSettings {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds: number;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function allowedOrigin(cors: CorsSettings, origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  if (cors.allowOrigins.includes('*')) return '*';
  return cors.allowOrigins.includes(origin) ? origin : undefined;
}

/**
 * A preflight (OPTIONS with `Origin` and `Access-Control-Request-Method`), which an HTTP API with CORS
 * configured answers itself, with no OPTIONS route and before any authorizer; `undefined` otherwise.
 */
export function preflightHeaders(cors: CorsSettings | undefined, method: string, headers: Headers): Record<string, string> | undefined {
  if (!cors || method !== 'OPTIONS' || typeof headers['access-control-request-method'] !== 'string') return undefined;
  const origin = allowedOrigin(cors, headers.origin as string | undefined);
  if (!origin) return undefined;
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': cors.allowMethods.join(','),
    'access-control-allow-headers': cors.allowHeaders.join(',').toLowerCase(),
    'access-control-max-age': String(cors.maxAgeSeconds),
  };
}

/**
 * The CORS headers added to the function's response for a request with an allowed `Origin`. The
 * function's own `access-control-*` headers are dropped: an HTTP API with CORS configured ignores them.
 */
export function withCorsHeaders(
  cors: CorsSettings | undefined,
  requestHeaders: Headers,
  response: Record<string, string | string[]>,
): Record<string, string | string[]> {
  if (!cors) return response;
  const kept = Object.fromEntries(Object.entries(response).filter(([name]) => !name.startsWith('access-control-')));
  const origin = allowedOrigin(cors, requestHeaders.origin as string | undefined);
  if (!origin) return kept;
  return { ...kept, 'access-control-allow-origin': origin, 'access-control-expose-headers': cors.exposeHeaders.join(',').toLowerCase() };
}
