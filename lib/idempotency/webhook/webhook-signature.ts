import { WEBHOOK_DEFAULTS } from './webhook-defaults';
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header Stripe signs its webhooks in; any letter case is read. */
export const DEFAULT_SIGNATURE_HEADER = WEBHOOK_DEFAULTS.signatureHeader;

/** A signature header taken apart: `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`. */
export interface SignatureHeader {
  /** `t` exactly as sent: the signed text is `${t}.${body}`, so it is hashed as written, not reformatted. */
  readonly timestampText: string;
  /** `t` in unix seconds. */
  readonly timestamp: number;
  /** Every `v1` value, as sent. */
  readonly signatures: readonly string[];
}

/** Why a request's signature was refused, or the timestamp it was signed at. */
export type SignatureVerification =
  | { readonly valid: true; readonly timestamp: number }
  | { readonly valid: false; readonly reason: 'missing' | 'malformed' | 'mismatch' | 'outside-tolerance'; readonly detail: string };

/** What `verifyWebhookSignature` checks. */
export interface SignatureCheck {
  /** The signature header's value (`undefined` when the request has none). */
  readonly header: string | undefined;
  /** The body exactly as sent (base64 decoded): one reformatted byte and the signature no longer matches. */
  readonly body: Buffer | string;
  /** Every secret currently valid; more than one while a secret is being rotated. */
  readonly secrets: readonly string[];
  readonly toleranceSeconds: number;
  /** The clock, in epoch ms. */
  readonly nowMs: number;
  /** The header's name, for the reasons given. @default DEFAULT_SIGNATURE_HEADER */
  readonly headerName?: string;
}

const SIGNATURE_SCHEME = 'v1';
const TIMESTAMP = /^\d{1,15}$/;
// An HMAC-SHA256 in hex. Anything else cannot match, and its length is no secret (the scheme fixes it).
const HMAC_SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** Takes a signature header apart; unknown schemes (Stripe's test-mode `v0`) are ignored. */
export function parseSignatureHeader(value: string): { readonly header: SignatureHeader } | { readonly malformed: string } {
  let timestampText: string | undefined;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const equals = item.indexOf('=');
    if (equals <= 0) return { malformed: `"${item.slice(0, 20)}" is not a name=value pair.` };
    const name = item.slice(0, equals).trim();
    const text = item.slice(equals + 1).trim();
    if (name === 't') {
      if (timestampText !== undefined) return { malformed: 'more than one t= timestamp.' };
      if (!TIMESTAMP.test(text)) return { malformed: 't= is not a whole number of unix seconds.' };
      timestampText = text;
    } else if (name === SIGNATURE_SCHEME) {
      signatures.push(text);
    }
  }
  if (timestampText === undefined) return { malformed: 'no t= timestamp.' };
  if (signatures.length === 0) return { malformed: 'no v1= signature.' };
  return { header: { timestampText, timestamp: Number(timestampText), signatures } };
}

/**
 * Checks a signed webhook: the header parses, ANY `v1` signature is the HMAC-SHA256 of
 * `${t}.${body}` under ANY of the secrets, and `t` is within `toleranceSeconds` of the clock, either way.
 * The signature is checked before the timestamp, so only an authentic request learns that its clock is off.
 */
export function verifyWebhookSignature(check: SignatureCheck): SignatureVerification {
  const name = check.headerName ?? DEFAULT_SIGNATURE_HEADER;
  if (check.header === undefined) return { valid: false, reason: 'missing', detail: `The request has no ${name} header.` };
  const parsed = parseSignatureHeader(check.header);
  if ('malformed' in parsed) return { valid: false, reason: 'malformed', detail: `The ${name} header is malformed: ${parsed.malformed}` };
  const { header } = parsed;
  if (!anySignatureMatches(header, check.body, check.secrets)) {
    return { valid: false, reason: 'mismatch', detail: `No v1 signature in the ${name} header matches the payload.` };
  }
  if (Math.abs(check.nowMs - header.timestamp * 1000) > check.toleranceSeconds * 1000) {
    return {
      valid: false,
      reason: 'outside-tolerance',
      detail: `The signature's timestamp is more than ${check.toleranceSeconds} seconds away from the receiver's clock; a replayed or delayed delivery is refused.`,
    };
  }
  return { valid: true, timestamp: header.timestamp };
}

/**
 * The signature header a provider would send for `body` (`t=<seconds>,v1=<hex>`): for tests of
 * your own webhook handler.
 */
export function signWebhookPayload(body: Buffer | string, secret: string, timestampSeconds = Math.floor(Date.now() / 1000)): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new TypeError(`Expected \`timestampSeconds\` to be a non-negative integer, got ${timestampSeconds}`);
  }
  return `t=${timestampSeconds},${SIGNATURE_SCHEME}=${hmac(secret, String(timestampSeconds), body).toString('hex')}`;
}

function hmac(secret: string, timestampText: string, body: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(`${timestampText}.`).update(body).digest();
}

/**
 * Every candidate is compared with every expected digest with `timingSafeEqual`, on two 32-byte
 * buffers, without stopping at the first match: how long it takes tells nothing about how many
 * leading bytes of a forged signature were right.
 */
function anySignatureMatches(header: SignatureHeader, body: Buffer | string, secrets: readonly string[]): boolean {
  const expected = secrets.map((secret) => hmac(secret, header.timestampText, body));
  const candidates = header.signatures.filter((text) => HMAC_SHA256_HEX.test(text)).map((text) => Buffer.from(text, 'hex'));
  let matched = false;
  for (const candidate of candidates) {
    for (const digest of expected) {
      if (timingSafeEqual(candidate, digest)) matched = true;
    }
  }
  return matched;
}
