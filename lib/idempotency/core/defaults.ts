/**
 * Every default of the library, in one frozen place: the engine's, each adapter's, and the metrics'.
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
  /** SQS redelivers a record whose key is in flight, so a batch does not wait for it. */
  sqsInFlightWaitMs: 0,
  localCacheEntries: 1_000,
  metricsNamespace: 'Idempotency',
  httpMethods: Object.freeze(['POST', 'PATCH']) as readonly string[],
  problemTypeBase: 'tag:lambda-idempotency,2026:problems/',
  missingKey: 'reject',
  sqsConcurrency: 1,
  fifoFailure: 'stop-batch',
  webhookToleranceSeconds: 300,
  webhookSignatureHeader: 'Stripe-Signature',
} as const);
