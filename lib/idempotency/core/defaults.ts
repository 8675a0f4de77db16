/**
 * The engine's defaults and the metrics', in one frozen place; each adapter keeps its own beside it
 * (`http/http-defaults.ts`, `sources/sqs-defaults.ts`, `webhook/webhook-defaults.ts`).
 * Options documented with `@default` point here.
 */
export const DEFAULTS = Object.freeze({
  /** The operation keys belong to when none is named: stable across deploys (never a generated function name). */
  operation: 'default',
  expiresAfterSeconds: 86_400,
  leaseMarginMs: 1_000,
  maxLeaseMs: 901_000,
  leaseWithoutContextMs: 60_000,
  /** Renewed at half (30 s): every handler behind API Gateway's 29 s timeout pays no renewal; a crash frees its key within a minute. */
  leaseSliceMs: 60_000,
  leaseRenewalPoint: 0.5,
  inFlightWaitMs: 5_000,
  localCacheEntries: 1_000,
  metricsNamespace: 'Idempotency',
  /** An event (or request) without a key: the policy of every adapter that reads one. */
  missingKey: 'reject',
} as const);
