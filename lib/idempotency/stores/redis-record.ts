import type { ClaimRequest, ClaimResult, CompleteRequest, EncodedResult, IdempotencyRecord } from '../core/store';
import { ATTRIBUTES as A } from '../schema';

/**
 * How a record lives in Redis: one hash per key, with the DynamoDB store's attribute names
 * (`status`, `leaseToken`, `leaseExpiresAt`, `expiration`, `fingerprint`, `createdAt`, `resultEncoding`,
 * `result`). The key expires by itself (`PEXPIREAT`) when the record stops counting (see `expireAtMs`).
 * Pure: builds script arguments and reads replies, with no client.
 */

/** A record as read back; a completed one keeps the token of the invocation that completed it. */
export type StoredRecord = IdempotencyRecord & { readonly leaseToken?: string };

/**
 * The instant Redis drops the key: the end of the second named by `expiration`, since a record counts
 * as expired only once `expiration < now (s)`. So the key never outlives its retention, nor vanishes
 * while the conditions still count it.
 */
export function expireAtMs(expiration: number): string {
  return String((expiration + 1) * 1000);
}

/** ARGV of the claim script. */
export function claimArgs(request: ClaimRequest): string[] {
  const args = [request.leaseToken, String(request.leaseExpiresAt), String(request.expiration), expireAtMs(request.expiration), String(request.now)];
  if (request.fingerprint !== undefined) args.push(request.fingerprint);
  return args;
}

/** Binary (gzip) results are kept as base64: both clients then read every field as a string. */
function resultField(result: EncodedResult): string | undefined {
  if (result.encoding === 'json') return result.data;
  if (result.encoding === 'json-gzip') return Buffer.from(result.data).toString('base64');
  return undefined;
}

/** ARGV of the complete script. */
export function completeArgs(request: CompleteRequest): string[] {
  const args = [request.leaseToken, String(request.expiration), expireAtMs(request.expiration), request.result.encoding];
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

function resultFromFields(fields: Record<string, string>): EncodedResult {
  const encoding = fields[A.resultEncoding];
  const stored = fields[A.result];
  if (encoding === 'json' && stored !== undefined) return { encoding, data: stored };
  if (encoding === 'json-gzip' && stored !== undefined) return { encoding, data: new Uint8Array(Buffer.from(stored, 'base64')) };
  if (encoding === 'undefined') return { encoding };
  return { encoding: 'omitted' };
}

/** A hash read back into a record; `undefined` when empty or not a record of this library. */
export function recordFromFields(id: string, fields: Record<string, string>): StoredRecord | undefined {
  const status = fields[A.status];
  const expiration = Number(fields[A.expiration]);
  if (!Number.isFinite(expiration) || fields[A.expiration] === undefined) return undefined;
  const createdAt = Number(fields[A.createdAt] ?? 0);
  const fingerprint = fields[A.fingerprint];
  const leaseToken = fields[A.leaseToken];
  if (status === 'IN_PROGRESS') {
    return { id, status, expiration, leaseToken: leaseToken ?? '', leaseExpiresAt: Number(fields[A.leaseExpiresAt] ?? 0), fingerprint, createdAt };
  }
  if (status === 'COMPLETED') {
    const record: StoredRecord = { id, status, expiration, fingerprint, result: resultFromFields(fields), createdAt, leaseToken };
    return record;
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
