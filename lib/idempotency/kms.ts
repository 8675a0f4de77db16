/**
 * The AWS KMS key provider for `encryptResults`, on its own entry (`lambda-idempotency/kms`). `@aws-sdk/client-kms`
 * is an optional peer dependency, loaded on the provider's first call: a function that does not import this entry
 * never bundles or loads it.
 */
export { ENCRYPTION_CONTEXT_KEY, kmsKeyProvider } from './encryption/kms-key-provider';
export type { KmsKeyProviderOptions } from './encryption/kms-key-provider';
