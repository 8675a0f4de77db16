/** The SQS adapter's defaults, one frozen object beside it. */
export const SQS_DEFAULTS = Object.freeze({
  /** SQS redelivers a record whose key is in flight, so a batch does not wait for it. */
  inFlightWaitMs: 0,
  concurrency: 1,
  fifoFailure: 'stop-batch',
} as const);
