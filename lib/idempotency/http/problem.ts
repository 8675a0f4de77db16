/** The problems the adapter answers with, each a stable `type` (appended to `problemTypeBase`). */
export const ProblemType = {
  keyMissing: 'idempotency-key-missing',
  keyInvalid: 'idempotency-key-invalid',
  keyAmbiguous: 'idempotency-key-ambiguous',
  inProgress: 'request-in-progress',
  payloadMismatch: 'idempotency-key-reused',
  responseUnavailable: 'response-unavailable',
  storeUnavailable: 'idempotency-store-unavailable',
  scopeUnresolved: 'idempotency-scope-unresolved',
  writeConditionFailed: 'write-condition-failed',
  leaseLost: 'idempotency-lease-lost',
  responseUndecodable: 'stored-response-undecodable',
} as const;

// Re-exported where the package's entry has always taken it from: a property read of HTTP_DEFAULTS would stay in every bundle.
export { DEFAULT_PROBLEM_TYPE_BASE } from './http-defaults';

/** An RFC 9457 problem. Extra members are allowed (`errors`, `retryAfter`…). */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly [extension: string]: unknown;
}

/** A response API Gateway accepts from either payload version. */
export interface HttpResponse {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, (string | number | boolean)[]>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

/**
 * An `application/problem+json` response (RFC 9457). `no-store`: a problem is about this attempt and
 * must not be served from a cache to a retry.
 */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode: problem.status,
    headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(problem),
  };
}
