import { ProblemType } from '../http/problem';

/**
 * The problems `idempotentWebhook` answers with, each a stable `type` (appended to `problemTypeBase`).
 * Every 400 means nothing was claimed, stored or run; the 409, 500 and 503 ask the provider to deliver again.
 */
export const WebhookProblemType = {
  signatureMissing: 'webhook-signature-missing',
  signatureMalformed: 'webhook-signature-malformed',
  signatureInvalid: 'webhook-signature-invalid',
  timestampOutsideTolerance: 'webhook-timestamp-outside-tolerance',
  payloadInvalid: 'webhook-payload-invalid',
  eventIdMissing: 'webhook-event-id-missing',
  eventIdInvalid: 'webhook-event-id-invalid',
  handlerFailed: 'webhook-handler-failed',
  // The same situations as behind `idempotentHttp`, so the same types.
  inProgress: ProblemType.inProgress,
  storeUnavailable: ProblemType.storeUnavailable,
} as const;
