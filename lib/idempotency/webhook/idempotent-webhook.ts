import type { Context } from 'aws-lambda';
import { IdempotencyEngine } from '../core/engine';
import { resolveEngineOptions } from '../core/options';
import type { IdempotencyContext } from '../core/outcome';
import type { InvocationTelemetry } from '../core/telemetry';
import { assertFunction } from '../core/validate';
import { readRequest, type ApiGatewayEvent } from '../http/http-event';
import { replayResponse, type StoredResponse } from '../http/http-response';
import { problemResponse, type HttpResponse } from '../http/problem';
import { problemFor, WRITE_REFUSAL_PROBLEMS, type ProblemText } from '../http/problem-for';
import { resolveWebhookOptions, WEBHOOK_OPTION_KEYS, type IdempotentWebhookOptions } from './webhook-options';
import { readWebhookPayload } from './webhook-payload';
import { WebhookProblemType } from './webhook-problem';
import { verifyWebhookSignature } from './webhook-signature';

/**
 * Handles one verified webhook event. `payload` comes first because it is what the handler works on:
 * the body, verified and parsed once (a handler must never parse an unverified body). The event stays
 * available for headers and path. What it returns is ignored: the provider only needs the 200.
 * Throwing answers 500, so the provider delivers the event again.
 */
export type IdempotentWebhookHandler<TPayload, TEvent extends ApiGatewayEvent = ApiGatewayEvent> = (
  payload: TPayload,
  event: TEvent,
  context: Context,
  idem: IdempotencyContext,
) => Promise<unknown>;

/** What the provider gets for a processed event, first time and on every redelivery. */
const RECEIVED: StoredResponse = Object.freeze({
  statusCode: 200,
  headers: Object.freeze({ 'Content-Type': 'application/json' }) as Record<string, string>,
  body: '{"received":true}',
});

const PROBLEMS = {
  'in-progress': {
    type: WebhookProblemType.inProgress,
    title: 'Event in progress',
    detail: 'A delivery of this event is still being processed; deliver it again later.',
  },
  'store-unavailable': {
    type: WebhookProblemType.storeUnavailable,
    title: 'Service temporarily unavailable',
    detail: 'The event was not processed; deliver it again.',
  },
  ...WRITE_REFUSAL_PROBLEMS,
} as const satisfies Record<string, ProblemText>;

const REJECTIONS = {
  missing: [WebhookProblemType.signatureMissing, 'Webhook signature missing'],
  malformed: [WebhookProblemType.signatureMalformed, 'Malformed webhook signature'],
  mismatch: [WebhookProblemType.signatureInvalid, 'Invalid webhook signature'],
  'outside-tolerance': [WebhookProblemType.timestampOutsideTolerance, 'Webhook timestamp outside the tolerance'],
  'not-json': [WebhookProblemType.payloadInvalid, 'Invalid webhook payload'],
  'event-id-missing': [WebhookProblemType.eventIdMissing, 'Webhook event id missing'],
  'event-id-invalid': [WebhookProblemType.eventIdInvalid, 'Invalid webhook event id'],
} as const;

/**
 * Wraps a signed-webhook handler (Stripe's `t=…,v1=…` scheme) behind API Gateway (REST, HTTP API,
 * Function URL): the signature is verified before anything is claimed, then the event runs once per
 * provider event id. A redelivery gets the stored 200 with `Idempotent-Replayed: true`; a handler
 * that throws is released and answered 500, so the provider delivers again.
 */
export function idempotentWebhook<TPayload = unknown, TEvent extends ApiGatewayEvent = ApiGatewayEvent>(
  handler: IdempotentWebhookHandler<TPayload, TEvent>,
  options: IdempotentWebhookOptions<TPayload, TEvent>,
): (event: TEvent, context: Context) => Promise<HttpResponse> {
  assertFunction('handler', handler, false);
  const engine = new IdempotencyEngine(resolveEngineOptions(options, 'idempotentWebhook', WEBHOOK_OPTION_KEYS));
  const settings = resolveWebhookOptions(options);
  const problem = (type: string, status: number, title: string, detail: string) =>
    problemResponse({ type: settings.problemTypeBase + type, title, status, detail });

  /** A 400: nothing was claimed. Logged, since a wrong or rotated secret shows up only as these. */
  const reject = (reason: keyof typeof REJECTIONS, detail: string, telemetry: InvocationTelemetry) => {
    const [type, title] = REJECTIONS[reason];
    telemetry.record(undefined, 'warn', 'Refused a webhook delivery; nothing was claimed or run.', { problem: type, detail });
    return problem(type, 400, title, detail);
  };

  return async (event, context) =>
    engine.invoke(context, async (invocation) => {
      const { telemetry } = invocation;
      const request = readRequest(event);
      const body = request.body ?? Buffer.alloc(0);
      const verification = verifyWebhookSignature({
        header: headerValue(request.headers.get(settings.signatureHeaderKey)),
        body,
        secrets: settings.secrets,
        toleranceSeconds: settings.toleranceSeconds,
        nowMs: engine.now(),
        headerName: settings.signatureHeader,
      });
      if (!verification.valid) return reject(verification.reason, verification.detail, telemetry);
      const reading = readWebhookPayload(body, settings.eventId);
      if (reading.kind !== 'read') return reject(reading.kind, reading.detail, telemetry);

      let idempotencyKey: string | undefined;
      try {
        const outcome = await invocation.execute<unknown, StoredResponse>({
          key: reading.eventId,
          // The route keeps two providers' endpoints in one function apart. No fingerprint: a provider
          // may change a redelivery's body (Stripe's `pending_webhooks`), and a 422 would be retried forever.
          operation: `${engine.operation} webhook ${request.route}`,
          scope: settings.scope?.(reading.payload, event),
          run: async (idem) => {
            idempotencyKey = idem.key;
            return handler(reading.payload, event, context, idem);
          },
          toStored: () => RECEIVED,
        });
        switch (outcome.kind) {
          case 'ran':
            return { ...RECEIVED, headers: { ...RECEIVED.headers } };
          case 'replayed':
            return replayResponse(outcome.result);
          case 'in-progress':
          case 'write-refused': // the first delivery's answer and every redelivery's, when the refusal was stored
          case 'lease-lost':
            return problemFor(outcome, PROBLEMS[outcome.kind], settings.problemTypeBase);
          // Processed, but its (fixed) answer was not stored: the event must not run again, and the answer is known.
          case 'unavailable':
          case 'mismatch': // no fingerprint is ever sent, so never
            return replayResponse(RECEIVED);
        }
      } catch (error) {
        if (invocation.isStoreFault(error))
          return problemFor({ kind: 'store-unavailable' }, PROBLEMS['store-unavailable'], settings.problemTypeBase);
        if (idempotencyKey === undefined) throw error; // `eventId` or `scope` threw: the caller's own bug, unchanged
        // The provider gets no message or stack (it may show them in its dashboard); the logs get both.
        telemetry.record(undefined, 'error', 'The webhook handler threw; the key is released and the provider will deliver again.', {
          idempotencyKey,
          error: error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error),
        });
        return problem(
          WebhookProblemType.handlerFailed,
          500,
          'Webhook processing failed',
          'The event was not processed; deliver it again.',
        );
      }
    });
}

/** A repeated signature header (REST's `multiValueHeaders`) reads as HTTP joins it: with commas. */
function headerValue(values: readonly string[] | undefined): string | undefined {
  return values === undefined || values.length === 0 ? undefined : values.join(',');
}
