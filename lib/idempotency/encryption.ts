/**
 * Encrypted stored results, on their own entry (`lambda-idempotency/encryption`): AES-256-GCM envelope encryption
 * from `node:crypto`. A handler without `encryptResults` bundles none of it. The KMS key provider has an entry of
 * its own (`lambda-idempotency/kms`), so a function on local keys never bundles the KMS client.
 */
export { encryptResults } from './encryption/encrypt-results';
export type { EncryptResultsOptions } from './encryption/encrypt-results';
export { localKeyProvider } from './encryption/local-key-provider';
export type { LocalKeyProviderOptions } from './encryption/local-key-provider';
export type { DataKey, DataKeyContext, KeyProvider } from './encryption/key-provider';
export { ENCRYPTED_FORMAT_VERSION } from './encryption/envelope';
export type { ResultCodec, ResultCodecContext } from './core/codec-port';
