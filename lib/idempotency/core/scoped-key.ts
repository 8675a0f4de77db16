import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

export { canonicalJson } from './canonical-json';

function sha256Hex(parts: readonly string[]): string {
  // A JSON array keeps the parts apart: ("a:b", "c") and ("a", "b:c") never collide.
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * The stored record id: sha256 of operation, caller scope, client key and, in Lambda's tenant isolation
 * mode, the tenant (`context.tenantId`). Neither the raw key nor the principal is stored, and one caller's
 * (or tenant's) key can never address another's record. Without a tenant the id is what it always was.
 */
export function scopedId(operation: string, scope: string | undefined, key: string, tenant?: string): string {
  const parts = ['idempotency/v1', operation, scope ?? '', key];
  // A fifth part, not a prefix of the scope: no scope string can spell a tenant's.
  return sha256Hex(typeof tenant === 'string' && tenant.length > 0 ? [...parts, tenant] : parts);
}

/** A stable key for a downstream call named `name`: the same for every re-run of one scoped key. */
export function downstreamKey(id: string, name: string): string {
  return sha256Hex(['downstream/v1', id, name]);
}

/** sha256 of a value in canonical JSON (see `canonicalJson`), for payload fingerprints. */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(value) ?? 'undefined')
    .digest('hex');
}
