import { Buffer } from 'node:buffer';

/**
 * The stored form of an encrypted result, format version 1:
 * `{ "$encrypted": 1, "alg": "AES-256-GCM", "kid": <key id>, "dk": <wrapped data key>, "iv", "tag", "ct" }`, binary
 * members in base64. The ciphertext is `JSON.stringify({ v: <result> })` sealed under the data key, with
 * `associatedData(id)` as associated data: moved to another record id, it no longer authenticates.
 */
export const ENCRYPTED_FORMAT_VERSION = 1;
export const ALGORITHM = 'AES-256-GCM';

/** An encrypted result as stored. */
export interface Envelope {
  readonly $encrypted: typeof ENCRYPTED_FORMAT_VERSION;
  readonly alg: typeof ALGORITHM;
  readonly kid: string;
  readonly dk: string;
  readonly iv: string;
  readonly tag: string;
  readonly ct: string;
}

/** The associated data of a record's ciphertext: the format and the record id. */
export function associatedData(id: string): Uint8Array {
  return Buffer.from(`lambda-idempotency/result/${ENCRYPTED_FORMAT_VERSION}\u0000${id}`, 'utf8');
}

/** Whether `stored` claims to be an encrypted result (of any version). */
export function isEnvelope(stored: unknown): stored is { readonly $encrypted: unknown } {
  return typeof stored === 'object' && stored !== null && !Array.isArray(stored) && '$encrypted' in stored;
}

/** Why `stored` is not a readable version-1 envelope, or `undefined` when it is one. */
export function envelopeProblem(stored: { readonly $encrypted: unknown }): string | undefined {
  if (stored.$encrypted !== ENCRYPTED_FORMAT_VERSION)
    return `it is in encrypted format version ${String(stored.$encrypted)}; this version reads ${ENCRYPTED_FORMAT_VERSION}`;
  const envelope = stored as Partial<Record<keyof Envelope, unknown>>;
  if (envelope.alg !== ALGORITHM) return `its algorithm ${JSON.stringify(envelope.alg)} is not ${ALGORITHM}`;
  for (const member of ['kid', 'dk', 'iv', 'tag', 'ct'] as const) {
    if (typeof envelope[member] !== 'string') return `its \`${member}\` is missing`;
  }
  return undefined;
}

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
export const fromBase64 = (text: string): Buffer => Buffer.from(text, 'base64');
