import { MetricName } from './metric-name';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Every decision the engine logs, by name: the metric it counts (if any), its level and its words. A call
 * site records one of these in one line (`telemetry.event('claimed', fields)`), so the words live here once.
 */
export const TELEMETRY_EVENTS = {
  claimed: [MetricName.claimed, 'debug', 'Claimed the key.'],
  takenOver: [MetricName.leaseTakeovers, 'warn', 'Took the key over from an invocation whose lease ended.'],
  replayed: [MetricName.replayed, 'info', 'Replayed the stored result.'],
  mismatch: [MetricName.payloadMismatches, 'warn', 'The key was reused with another payload; nothing runs.'],
  unavailable: [undefined, 'warn', 'The key completed, but its result was not stored; it cannot be replayed.'],
  writeRefusedReplayed: [MetricName.replayed, 'info', "Replayed the key's stored write refusal."],
  waiting: [MetricName.inFlightWaits, 'info', 'The key is in progress; waiting for its result.'],
  turnedAway: [MetricName.inProgressRejections, 'info', 'The key is still in progress; the duplicate is turned away.'],
  changingHands: [MetricName.inProgressRejections, 'info', 'The key keeps changing hands; the duplicate is turned away.'],
  handlerThrew: [MetricName.handlerErrors, 'debug', 'The handler threw.'],
  storeFailed: [MetricName.storeErrors, 'error', 'The store failed ({step}).'],
  notSerialisable: [undefined, 'warn', 'The result is not JSON-serialisable, so it cannot be replayed.'],
  stored: [undefined, 'debug', 'Stored the result.'],
  notStored: [
    MetricName.resultsNotStored,
    'warn',
    'The result could not be stored (too large, not JSON, or its codec failed); duplicates cannot replay it.',
  ],
  committed: [undefined, 'debug', 'Committed the writes with the result.'],
  writeRefused: [undefined, 'info', "A write's condition failed; nothing was written, and the key is {then}."],
  released: [undefined, 'info', 'Released the key for a retry.'],
  fenced: [MetricName.fencingRejections, 'warn', "The lease was taken over before {step}; the new owner's record stands."],
  completeFailed: [MetricName.storeErrors, 'error', 'Storing the result failed; the record stays in progress until its lease ends.'],
  commitFailed: [
    MetricName.storeErrors,
    'error',
    'Committing the writes with the result failed; the record stays in progress until its lease ends.',
  ],
  releaseFailed: [MetricName.storeErrors, 'error', 'Releasing the key failed; it frees itself when the lease ends.'],
  // Logged once at info (a handler that outlives its renewal point is worth knowing about), then at debug.
  firstRenewal: [MetricName.leaseRenewals, 'info', 'The handler runs past its renewal point; its lease is renewed while it runs.'],
  renewed: [MetricName.leaseRenewals, 'debug', 'Renewed the lease.'],
  leaseTakenOver: [MetricName.leasesLost, 'warn', 'The lease was taken over while the handler ran; its result will not be stored.'],
  renewalsUnanswered: [
    MetricName.leasesLost,
    'error',
    'The store did not answer lease renewals until the lease was about to end; the claim may be lost.',
  ],
} as const satisfies Record<string, readonly [MetricName | undefined, Level, string]>;

/** The name of one engine decision. */
export type TelemetryEvent = keyof typeof TELEMETRY_EVENTS;

/** The words of `event`, with `{field}` filled from `fields` (a step, what became of the key). */
export function eventMessage(event: TelemetryEvent, fields: Record<string, unknown>): string {
  return TELEMETRY_EVENTS[event][2].replace(/\{(\w+)\}/g, (_, name: string) => String(fields[name]));
}
