import { describeKeyProblem, keyProblem } from '../core/key-rules';

/** A verified body read as JSON, with the provider's event id; or why it cannot be processed. */
export type WebhookPayloadReading<TPayload> =
  | { readonly kind: 'read'; readonly payload: TPayload; readonly eventId: string }
  | { readonly kind: 'not-json' | 'event-id-missing' | 'event-id-invalid'; readonly detail: string };

/** The payload's `id` when it is a string: where Stripe (`evt_…`) and most providers put the event id. */
export function defaultEventId(payload: unknown): string | undefined {
  const id = (payload as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Parses the body (already verified) as JSON and takes its event id. The payload is not validated
 * beyond that: `TPayload` is what the provider documents, not a runtime check.
 */
export function readWebhookPayload<TPayload>(
  body: Buffer,
  eventIdOf: (payload: TPayload) => string | undefined,
): WebhookPayloadReading<TPayload> {
  let payload: TPayload;
  try {
    payload = JSON.parse(body.toString('utf8')) as TPayload;
  } catch {
    return { kind: 'not-json', detail: 'The body is not JSON.' };
  }
  const eventId: unknown = eventIdOf(payload);
  if (eventId === undefined || eventId === null || eventId === '') {
    return { kind: 'event-id-missing', detail: 'The payload carries no event id, so a redelivery could not be recognised.' };
  }
  if (typeof eventId !== 'string') return { kind: 'event-id-invalid', detail: `The event id must be a string, got ${typeof eventId}.` };
  const problem = keyProblem(eventId);
  if (problem) return { kind: 'event-id-invalid', detail: describeKeyProblem(problem, 'The event id') };
  return { kind: 'read', payload, eventId };
}
