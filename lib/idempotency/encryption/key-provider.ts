/** The record a data key belongs to: key providers bind the wrapped key to it (as associated data, or KMS's encryption context). */
export interface DataKeyContext {
  /** The record's id (the scoped, hashed key). */
  readonly id: string;
}

/** A fresh data key: its plaintext (32 bytes, used once, then dropped) and its wrapped copy, stored beside the ciphertext. */
export interface DataKey {
  /** The id of the key that wrapped it (stored, so that a rotated-out key still decrypts its records). */
  readonly keyId: string;
  readonly plaintext: Uint8Array;
  readonly encrypted: Uint8Array;
}

/**
 * Where data keys come from (envelope encryption): `localKeyProvider` (keys you hold: tests, or keys from a secret
 * store) or `kmsKeyProvider` (AWS KMS, `lambda-idempotency/kms`). A provider throws `IdempotencyStoreError` when its
 * key service is unreachable (a transient fault: HTTP 503, retried) and `IdempotencyResultUndecodableError` when a
 * key is missing or wrong for that record (HTTP 500, never re-run).
 */
export interface KeyProvider {
  /** A new data key for one record, wrapped by the current key. */
  generateDataKey(context: DataKeyContext): Promise<DataKey>;
  /** The plaintext of a wrapped data key, by the key `keyId` that wrapped it. */
  decryptDataKey(wrapped: { readonly keyId: string; readonly encrypted: Uint8Array }, context: DataKeyContext): Promise<Uint8Array>;
}
