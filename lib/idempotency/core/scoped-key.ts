import { createHash } from 'node:crypto';
import { IdempotencyKeyInvalidError } from '../errors';
import { canonicalJson } from './canonical-json';

export { canonicalJson } from './canonical-json';

/** The longest idempotency key accepted, in characters. */
export const MAX_KEY_LENGTH = 255;

// C0 controls, DEL and C1 controls: invisible in logs and a classic injection vector.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Throws `IdempotencyKeyInvalidError` unless `key` is 1 to 255 characters with no control characters. */
export function assertValidKey(key: string): void {
  if (key.length === 0) throw new IdempotencyKeyInvalidError('The idempotency key is empty.');
  if (key.length > MAX_KEY_LENGTH) {
    throw new IdempotencyKeyInvalidError(
      `The idempotency key is ${key.length} characters long; at most ${MAX_KEY_LENGTH} are allowed.`,
    );
  }
  if (CONTROL_CHARACTERS.test(key)) {
    throw new IdempotencyKeyInvalidError('The idempotency key contains control characters.');
  }
}

function sha256Hex(parts: readonly string[]): string {
  // A JSON array keeps the parts apart: ("a:b", "c") and ("a", "b:c") never collide.
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * The stored record id: sha256 of operation, caller scope and client key. Neither the raw key
 * nor the principal is stored, and one caller's key can never address another caller's record.
 */
export function scopedId(operation: string, scope: string | undefined, key: string): string {
  return sha256Hex(['idempotency/v1', operation, scope ?? '', key]);
}

/** A stable key for a downstream call named `name`: the same for every re-run of one scoped key. */
export function downstreamKey(id: string, name: string): string {
  return sha256Hex(['downstream/v1', id, name]);
}

/** sha256 of a value in canonical JSON (see `canonicalJson`), for payload fingerprints. */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value) ?? 'undefined').digest('hex');
}
