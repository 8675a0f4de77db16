import { HTTP_DEFAULTS } from '../http/http-defaults';
import { WEBHOOK_DEFAULTS } from './webhook-defaults';
import { DEFAULTS } from '../core/defaults';
import type { EngineOptions } from '../core/options';
import { assertFunction, assertInteger, assertUriPrefix, describe, refuseOption } from '../core/validate';
import type { ApiGatewayEvent } from '../http/http-event';
import { defaultEventId } from './webhook-payload';

/** Options of `idempotentWebhook`. */
export interface IdempotentWebhookOptions<TPayload = unknown, TEvent extends ApiGatewayEvent = ApiGatewayEvent> extends EngineOptions {
  /**
   * The endpoint's signing secret (Stripe's `whsec_…`), or several while one is being rotated:
   * a delivery signed with any of them is accepted.
   */
  readonly secret: string | readonly string[];
  /**
   * How far, in seconds, the signature's timestamp may be from the clock (`now`), in either direction.
   * A captured delivery replayed later than that is refused. `expiresAfterSeconds` must be at least
   * twice this, so that an event's record outlives every moment its signature is accepted.
   * @default 300
   */
  readonly toleranceSeconds?: number;
  /**
   * The header that carries `t=…,v1=…` (read in any letter case).
   * @default 'Stripe-Signature'
   */
  readonly signatureHeader?: string;
  /**
   * The provider's event id, which every redelivery of one event keeps: the idempotency key.
   * @default the payload's `id`, when it is a string
   */
  readonly eventId?: (payload: TPayload) => string | undefined;
  /**
   * The account an event belongs to, when one endpoint receives events of several (Stripe Connect's
   * `account`, a tenant in the path); the same event id under two scopes never meets.
   * @default none: event ids are shared by every delivery to the operation and route
   */
  readonly scope?: (payload: TPayload, event: TEvent) => string | undefined;
  /**
   * Prefix of every problem `type` URI (`…webhook-signature-invalid`).
   * @default 'tag:lambda-idempotency,2026:problems/'
   */
  readonly problemTypeBase?: string;
}

/** The options `idempotentWebhook` reads besides the engine's. */
export const WEBHOOK_OPTION_KEYS: readonly string[] = Object.freeze([
  'secret',
  'toleranceSeconds',
  'signatureHeader',
  'eventId',
  'scope',
  'problemTypeBase',
]);

/** `IdempotentWebhookOptions` (the webhook part) with every default applied. */
export interface ResolvedWebhookOptions<TPayload, TEvent extends ApiGatewayEvent> {
  readonly secrets: readonly string[];
  readonly toleranceSeconds: number;
  /** As configured, for messages. */
  readonly signatureHeader: string;
  /** Lower case, as `readRequest` keys headers. */
  readonly signatureHeaderKey: string;
  readonly eventId: (payload: TPayload) => string | undefined;
  readonly scope: ((payload: TPayload, event: TEvent) => string | undefined) | undefined;
  readonly problemTypeBase: string;
}

// RFC 9110 token characters: what a header name may be made of.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Applies defaults and validates; called once, when the handler is wrapped. */
export function resolveWebhookOptions<TPayload, TEvent extends ApiGatewayEvent>(
  options: IdempotentWebhookOptions<TPayload, TEvent>,
): ResolvedWebhookOptions<TPayload, TEvent> {
  const secrets = resolveSecrets(options.secret);
  const toleranceSeconds = options.toleranceSeconds ?? WEBHOOK_DEFAULTS.toleranceSeconds;
  assertInteger('toleranceSeconds', toleranceSeconds, 1);
  assertRecordOutlivesSignature(options.expiresAfterSeconds ?? DEFAULTS.expiresAfterSeconds, toleranceSeconds);
  const signatureHeader = options.signatureHeader ?? WEBHOOK_DEFAULTS.signatureHeader;
  if (typeof signatureHeader !== 'string' || !HEADER_NAME.test(signatureHeader)) {
    refuseOption('signatureHeader', 'be a header name', signatureHeader);
  }
  assertFunction('eventId', options.eventId, true);
  assertFunction('scope', options.scope, true);
  const problemTypeBase = options.problemTypeBase ?? HTTP_DEFAULTS.problemTypeBase;
  assertUriPrefix('problemTypeBase', problemTypeBase);
  return {
    secrets,
    toleranceSeconds,
    signatureHeader,
    signatureHeaderKey: signatureHeader.toLowerCase(),
    eventId: options.eventId ?? defaultEventId,
    scope: options.scope,
    problemTypeBase,
  };
}

/**
 * A signature with timestamp `t` is accepted from `t - tolerance` to `t + tolerance` on our clock. Its
 * first delivery may complete as early as `t - tolerance` (the sender's clock ahead of ours), and its
 * record then expires `expiresAfterSeconds` later: were that before `t + tolerance`, a captured copy
 * sent in between would find no record, pass the signature check and run the handler a second time.
 */
function assertRecordOutlivesSignature(expiresAfterSeconds: number, toleranceSeconds: number): void {
  if (expiresAfterSeconds < 2 * toleranceSeconds) {
    throw new TypeError(
      `Expected \`expiresAfterSeconds\` to be at least twice \`toleranceSeconds\` (${2 * toleranceSeconds}), got ${expiresAfterSeconds}: ` +
        'a signed delivery is accepted for `toleranceSeconds` either side of its timestamp, and its record must outlive that ' +
        'window, or a captured copy sent after the record expired would run the handler again',
    );
  }
}

/**
 * A secret is never rendered into the message, even a wrong one: only its type, or `""`.
 * An unset environment variable (`process.env.WEBHOOK_SECRET`) shows up as `got undefined`.
 */
function resolveSecrets(secret: unknown): readonly string[] {
  const secrets = Array.isArray(secret) ? secret : [secret];
  const usable = secrets.length > 0 && secrets.every((item) => typeof item === 'string' && item.length > 0);
  if (!usable) {
    const got =
      typeof secret === 'string'
        ? '""'
        : Array.isArray(secret)
          ? secret.length === 0
            ? 'an empty array'
            : 'an array with an empty or non-string item'
          : describe(secret);
    throw new TypeError(`Expected \`secret\` to be a non-empty string or a non-empty array of them, got ${got}`);
  }
  return Object.freeze([...(secrets as string[])]);
}
