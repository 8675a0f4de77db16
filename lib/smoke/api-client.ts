import { ApiUnreachableError } from './api-unreachable';

/** A request the smoke test sends. `token` is sent as a bearer token; `tokenLabel` is what the report shows instead. */
export interface SmokeRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly token?: string;
  readonly tokenLabel?: string;
  readonly idempotencyKey?: string;
  readonly body?: unknown;
}

/** What came back. `json` is the parsed body, or `undefined` when it is not JSON. */
export interface SmokeResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

/** Options of {@link apiClient}. */
export interface ApiClientOptions {
  /** How long one request may take before the API counts as not answering. @default 15000 */
  readonly timeoutMs?: number;
  /** Aborts a request in flight (Ctrl-C). @default undefined */
  readonly signal?: AbortSignal;
}

/** Sends smoke requests to the API under `baseUrl` over real sockets. */
export interface ApiClient {
  /** The API's base URL, with a trailing slash, so `payments` resolves under its stage. */
  readonly baseUrl: string;
  send(request: SmokeRequest): Promise<SmokeResponse>;
}

/** The base URL with exactly one trailing slash: `https://x.execute-api…/` and `https://x/prod/` alike. */
export function normalizeBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ApiUnreachableError(`${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ApiUnreachableError(`${url} is not an http(s) URL`);
  parsed.search = '';
  parsed.hash = '';
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  return parsed.toString();
}

/** An {@link ApiClient} on Node's fetch. A request that gets no HTTP answer throws {@link ApiUnreachableError}. */
export function apiClient(url: string, options: ApiClientOptions = {}): ApiClient {
  const baseUrl = normalizeBaseUrl(url);
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    baseUrl,
    async send(request) {
      const target = new URL(request.path.replace(/^\//, ''), baseUrl);
      const headers: Record<string, string> = {};
      if (request.token !== undefined) headers.Authorization = `Bearer ${request.token}`;
      if (request.idempotencyKey !== undefined) headers['Idempotency-Key'] = request.idempotencyKey;
      if (request.body !== undefined) headers['Content-Type'] = 'application/json';
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      try {
        const response = await fetch(target, {
          method: request.method,
          headers,
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal,
        });
        const text = await response.text();
        return { status: response.status, headers: response.headers, text, json: parseJson(text) };
      } catch (error) {
        if (timeout.aborted) throw new ApiUnreachableError(`${request.method} ${target.href} got no answer within ${timeoutMs} ms`);
        if (options.signal?.aborted) throw error;
        throw new ApiUnreachableError(`${request.method} ${target.href} got no answer: ${transportReason(error)}`);
      }
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a TLS error) is in `cause`.
function transportReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message && !cause.message.includes(cause.code) ? ` (${cause.message})` : ''}`;
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}
