import { IdempotencyResultUndecodableError } from '../errors';
import type { ResultCodec } from '../core/codec-port';
import { refuseOption } from '../core/validate';
import { KEY_BYTES, open, seal } from './aes-gcm';
import {
  ALGORITHM,
  associatedData,
  ENCRYPTED_FORMAT_VERSION,
  envelopeProblem,
  fromBase64,
  isEnvelope,
  toBase64,
  type Envelope,
} from './envelope';
import type { KeyProvider } from './key-provider';

/** Options of `encryptResults`. */
export interface EncryptResultsOptions {
  /** Where data keys come from: `localKeyProvider({ keys, currentKeyId })` or `kmsKeyProvider({ keyId })`. */
  readonly keyProvider: KeyProvider;
  /**
   * Replay records stored without encryption (written before encryption was turned on). Turn it on for one
   * retention period (`expiresAfterSeconds`) when you add encryption to a running function, then off: while it
   * is on, anyone who can write the table can plant a plaintext result that is replayed.
   * @default false: such a record is refused (`IdempotencyResultUndecodableError`)
   */
  readonly readUnencrypted?: boolean;
}

/**
 * A result codec that encrypts stored results: AES-256-GCM under a fresh data key per record (envelope encryption),
 * the data key wrapped by the key provider, the record id as associated data. A record that does not decrypt (a
 * wrong or missing key, a record moved to another id, tampering) is never replayed and never re-run:
 * `IdempotencyResultUndecodableError` (HTTP 500); a key service outage is `IdempotencyStoreError` (HTTP 503).
 * Use it last in `composeCodecs`, so it encrypts what the other codecs produce.
 */
export function encryptResults(options: EncryptResultsOptions): ResultCodec {
  const provider = options?.keyProvider;
  if (typeof provider?.generateDataKey !== 'function' || typeof provider.decryptDataKey !== 'function') {
    refuseOption('keyProvider', 'be a KeyProvider (localKeyProvider, kmsKeyProvider)', provider);
  }
  const readUnencrypted = options.readUnencrypted ?? false;
  if (typeof readUnencrypted !== 'boolean') refuseOption('readUnencrypted', 'be a boolean', readUnencrypted);

  return {
    async encode(value, { id }): Promise<Envelope> {
      const plaintext = Buffer.from(JSON.stringify({ v: value }), 'utf8');
      const dataKey = await provider.generateDataKey({ id });
      if (dataKey.plaintext.byteLength !== KEY_BYTES)
        throw new TypeError(`The key provider returned a ${dataKey.plaintext.byteLength}-byte data key; AES-256 needs ${KEY_BYTES}.`);
      const sealed = seal(dataKey.plaintext, plaintext, associatedData(id));
      dataKey.plaintext.fill?.(0);
      return {
        $encrypted: ENCRYPTED_FORMAT_VERSION,
        alg: ALGORITHM,
        kid: dataKey.keyId,
        dk: toBase64(dataKey.encrypted),
        iv: toBase64(sealed.iv),
        tag: toBase64(sealed.tag),
        ct: toBase64(sealed.ciphertext),
      };
    },
    async decode(stored, { id }) {
      if (!isEnvelope(stored)) {
        if (readUnencrypted) return stored;
        throw new IdempotencyResultUndecodableError('The stored result is not encrypted, and `readUnencrypted` is off.');
      }
      const problem = envelopeProblem(stored);
      if (problem) throw new IdempotencyResultUndecodableError(`The stored result cannot be decrypted: ${problem}.`);
      const envelope = stored as Envelope;
      const key = await provider.decryptDataKey({ keyId: envelope.kid, encrypted: fromBase64(envelope.dk) }, { id });
      const plaintext = open(
        key,
        { iv: fromBase64(envelope.iv), tag: fromBase64(envelope.tag), ciphertext: fromBase64(envelope.ct) },
        associatedData(id),
      );
      if (!plaintext) {
        throw new IdempotencyResultUndecodableError(
          `The stored result does not decrypt with its data key (key ${envelope.kid}): it was altered, or moved from another record.`,
        );
      }
      return (JSON.parse(plaintext.toString('utf8')) as { v?: unknown }).v;
    },
  };
}
