import { randomBytes } from 'node:crypto';
import { IdempotencyResultUndecodableError } from '../errors';
import { describe } from '../core/validate';
import { KEY_BYTES, open, packSealed, seal, unpackSealed } from './aes-gcm';
import { associatedData } from './envelope';
import type { KeyProvider } from './key-provider';

/** Options of `localKeyProvider`. */
export interface LocalKeyProviderOptions {
  /**
   * Key-encryption keys by id: 32 bytes each, as a `Uint8Array` or base64 text. Keep every key that wrapped a record
   * still within its retention: a rotated-out key still decrypts its records, it just wraps no new ones.
   */
  readonly keys: Readonly<Record<string, Uint8Array | string>>;
  /** The id of the key that wraps new data keys. */
  readonly currentKeyId: string;
}

/**
 * A key provider for keys you hold (tests, or keys loaded from a secret store): data keys are wrapped with
 * AES-256-GCM under the current key, with the record id as associated data. Rotate by adding a key and making it
 * current; records wrapped by an older one keep decrypting while it stays in `keys`.
 */
export function localKeyProvider(options: LocalKeyProviderOptions): KeyProvider {
  const keys = new Map<string, Buffer>();
  for (const [id, key] of Object.entries(options?.keys ?? {})) {
    const bytes = typeof key === 'string' ? Buffer.from(key, 'base64') : Buffer.from(key);
    if (bytes.byteLength !== KEY_BYTES) throw new TypeError(`Expected \`keys.${id}\` to be ${KEY_BYTES} bytes, got ${bytes.byteLength}`);
    keys.set(id, bytes);
  }
  const current = options?.currentKeyId;
  if (typeof current !== 'string' || !keys.has(current)) {
    throw new TypeError(
      `Expected \`currentKeyId\` to name one of \`keys\` (${[...keys.keys()].join(', ') || 'none given'}), got ${describe(current)}`,
    );
  }
  const currentKey = keys.get(current)!;
  return {
    async generateDataKey({ id }) {
      const plaintext = randomBytes(KEY_BYTES);
      return { keyId: current, plaintext, encrypted: packSealed(seal(currentKey, plaintext, associatedData(id))) };
    },
    async decryptDataKey({ keyId, encrypted }, { id }) {
      const key = keys.get(keyId);
      if (!key)
        throw new IdempotencyResultUndecodableError(
          `The stored result was encrypted under key ${JSON.stringify(keyId)}, which the key provider does not hold.`,
        );
      const plaintext = open(key, unpackSealed(encrypted), associatedData(id));
      if (!plaintext) {
        throw new IdempotencyResultUndecodableError(
          `The stored result's data key does not decrypt with key ${JSON.stringify(keyId)}: a wrong key, or a record moved from another id.`,
        );
      }
      return plaintext;
    },
  };
}
