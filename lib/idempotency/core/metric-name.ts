/** The metrics each invocation reports (CloudWatch Embedded Metric Format), and what a team alarms on. */
export const MetricName = {
  /** Keys claimed: the handler ran. */
  claimed: 'Claimed',
  /** Duplicates answered with the stored result (from DynamoDB or the local cache). */
  replayed: 'Replayed',
  /** Duplicates that found the key in flight and waited for it. */
  inFlightWaits: 'InFlightWaits',
  /** Duplicates turned away because the key stayed in flight (HTTP 409, SQS redelivery). */
  inProgressRejections: 'InProgressRejections',
  /** A key reused with another payload (HTTP 422): usually a client bug. */
  payloadMismatches: 'PayloadMismatches',
  /** Keys taken over from an invocation whose lease ended: it crashed, timed out or ran too long. */
  leaseTakeovers: 'LeaseTakeovers',
  /** Late invocations whose completion or release was refused because their lease was taken over. */
  fencingRejections: 'FencingRejections',
  /** Handlers that threw (their keys are released for a retry), whatever the adapter answers. */
  handlerErrors: 'HandlerErrors',
  /** Calls to the store that failed (after the SDK's retries). */
  storeErrors: 'StoreErrors',
  /** Results completed without being stored (too large, or not JSON): duplicates cannot replay them. */
  resultsNotStored: 'ResultsNotStored',
  /** Leases renewed while a handler ran past its renewal point (`leaseSliceMs × leaseRenewalPoint`). */
  leaseRenewals: 'LeaseRenewals',
  /** Claims lost while their handler ran (a renewal refused, or the store unreachable until the lease's end): `idem.signal` aborted. */
  leasesLost: 'LeasesLost',
} as const;

/** One of the metric names. */
export type MetricName = (typeof MetricName)[keyof typeof MetricName];
