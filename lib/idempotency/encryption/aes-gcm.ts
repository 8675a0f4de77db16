import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM's sizes: a 32-byte key, a 96-bit nonce (NIST SP 800-38D's recommendation), a 128-bit tag. */
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed message: nonce, tag and ciphertext. */
export interface Sealed {
  readonly iv: Uint8Array;
  readonly tag: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** Encrypts and authenticates `plaintext` and `aad` under `key`, with a random nonce (each key seals few messages). */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, iv: Uint8Array = randomBytes(IV_BYTES)): Sealed {
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/** The plaintext of `sealed`, or `undefined` when it does not authenticate (a wrong key, other associated data, tampering). */
export function open(key: Uint8Array, sealed: Sealed, aad: Uint8Array): Buffer | undefined {
  if (sealed.iv.byteLength !== IV_BYTES || sealed.tag.byteLength !== TAG_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  try {
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** `sealed` as one byte string (nonce, tag, ciphertext), as a wrapped data key is stored. */
export function packSealed(sealed: Sealed): Uint8Array {
  return Buffer.concat([sealed.iv, sealed.tag, sealed.ciphertext]);
}

/** The inverse of `packSealed`. */
export function unpackSealed(bytes: Uint8Array): Sealed {
  const buffer = Buffer.from(bytes);
  return {
    iv: buffer.subarray(0, IV_BYTES),
    tag: buffer.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
    ciphertext: buffer.subarray(IV_BYTES + TAG_BYTES),
  };
}
