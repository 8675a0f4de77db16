import type { RenewRequest, RenewResult } from '../core/store';
import { fieldsFromFlat, keyLifetimeMs, recordFromFields } from './redis-record';

/** ARGV of the renew script: the key lives as long past the new expiration as a claim's does. */
export function renewArgs(request: RenewRequest): string[] {
  return [request.leaseToken, String(request.leaseExpiresAt), String(request.expiration), keyLifetimeMs(request.expiration, request.now)];
}

/** The renew script's reply as the store's result. */
export function renewResultFromReply(id: string, reply: unknown): RenewResult {
  if (!Array.isArray(reply) || reply.length === 0) throw new Error(`Unexpected reply from the renew script: ${JSON.stringify(reply)}`);
  const [outcome, ...flat] = reply;
  if (outcome === 'renewed') return { renewed: true };
  if (outcome === 'refused') return { renewed: false, existing: recordFromFields(id, fieldsFromFlat(flat)) };
  throw new Error(`Unexpected reply from the renew script: ${JSON.stringify(reply)}`);
}
