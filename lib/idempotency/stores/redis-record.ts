import type { ClaimRequest, ClaimResult, CompleteRequest, EncodedResult, IdempotencyRecord } from '../core/store';
import { ATTRIBUTES as A } from '../schema';

/**
 * How a record lives in Redis: one hash per key, with the DynamoDB store's attribute names
 * (`status`, `leaseToken`, `leaseExpiresAt`, `expiration`, `fingerprint`, `createdAt`, `resultEncoding`,
 * `result`). The key expires by itself shortly after the record stops counting (see `keyLifetimeMs`).
 * Pure: builds script arguments and reads replies, with no client.
 */

/**
 * How long Redis keeps a key after its record has expired by the caller's clock. The scripts already
 * treat it as absent, as DynamoDB's conditions treat an item its TTL sweep has not reached; until Redis
 * drops it, a claim can still report the record it replaced, and nothing is freed before the function's
 * clock says so.
 */
export const EXPIRED_KEY_GRACE_MS = 60_000;

/**
 * The key's lifetime from the claim, on the caller's clock: to the end of the second named by
 * `expiration` (a record counts as expired once `expiration < now (s)`), plus `EXPIRED_KEY_GRACE_MS`.
 * A duration, not an instant, so the server's own clock does not matter. Zero or less: Redis drops the key.
 */
export function keyLifetimeMs(expiration: number, now: number): string {
  // PEXPIRE takes whole milliseconds only; a clock reading fractions rounds up, never shortening the key.
  return String(Math.ceil((expiration + 1) * 1000 - now + EXPIRED_KEY_GRACE_MS));
}

/** ARGV of the claim script. */
export function claimArgs(request: ClaimRequest): string[] {
  const args = [
    request.leaseToken,
    String(request.leaseExpiresAt),
    String(request.expiration),
    keyLifetimeMs(request.expiration, request.now),
    String(request.now),
  ];
  if (request.fingerprint !== undefined) args.push(request.fingerprint);
  return args;
}

/** Binary (gzip) results are kept as base64: both clients then read every field as a string. */
export function resultField(result: EncodedResult): string | undefined {
  if (result.encoding === 'json' || result.encoding === 'write-refused') return result.data;
  if (result.encoding === 'json-gzip') return Buffer.from(result.data).toString('base64');
  return undefined;
}

/** ARGV of the complete script. */
export function completeArgs(request: CompleteRequest): string[] {
  const args = [request.leaseToken, String(request.expiration), request.result.encoding];
  const data = resultField(request.result);
  if (data !== undefined) args.push(data);
  return args;
}

/** A flat `[field, value, ...]` reply (as scripts return `HGETALL`) as an object. */
export function fieldsFromFlat(flat: readonly unknown[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = String(flat[i + 1]);
  return fields;
}

/** A hash's `resultEncoding` and `result` fields as an encoded result (gzip bytes back from base64). */
export function resultFromFields(fields: Record<string, string>): EncodedResult {
  const encoding = fields[A.resultEncoding];
  const stored = fields[A.result];
  if ((encoding === 'json' || encoding === 'write-refused') && stored !== undefined) return { encoding, data: stored };
  if (encoding === 'json-gzip' && stored !== undefined) return { encoding, data: new Uint8Array(Buffer.from(stored, 'base64')) };
  if (encoding === 'undefined') return { encoding };
  return { encoding: 'omitted' };
}

/** A hash read back into a record; `undefined` when empty or not a record of this library. */
export function recordFromFields(id: string, fields: Record<string, string>): IdempotencyRecord | undefined {
  const status = fields[A.status];
  const expiration = Number(fields[A.expiration]);
  if (!Number.isFinite(expiration) || fields[A.expiration] === undefined) return undefined;
  const createdAt = Number(fields[A.createdAt] ?? 0);
  const fingerprint = fields[A.fingerprint];
  const leaseToken = fields[A.leaseToken];
  if (status === 'IN_PROGRESS') {
    return {
      id,
      status,
      expiration,
      leaseToken: leaseToken ?? '',
      leaseExpiresAt: Number(fields[A.leaseExpiresAt] ?? 0),
      fingerprint,
      createdAt,
    };
  }
  if (status === 'COMPLETED') {
    return { id, status, expiration, fingerprint, result: resultFromFields(fields), createdAt, leaseToken };
  }
  return undefined;
}

/** The claim script's reply as the store's result. */
export function claimResultFromReply(id: string, reply: unknown): ClaimResult {
  if (!Array.isArray(reply) || reply.length === 0) throw new Error(`Unexpected reply from the claim script: ${JSON.stringify(reply)}`);
  const [outcome, ...flat] = reply;
  const record = recordFromFields(id, fieldsFromFlat(flat));
  if (outcome === 'claimed') return record ? { claimed: true, replaced: record } : { claimed: true };
  if (outcome === 'retried') return { claimed: true };
  if (outcome === 'held') return { claimed: false, existing: record };
  throw new Error(`Unexpected reply from the claim script: ${JSON.stringify(reply)}`);
}
