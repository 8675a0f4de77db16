import type { DecryptCommandOutput, GenerateDataKeyCommandOutput, KMSClient, KMSClientConfig } from '@aws-sdk/client-kms';
import { IdempotencyResultUndecodableError, IdempotencyStoreError } from '../errors';
import { refuseOption } from '../core/validate';
import { KMS_ENCRYPTION_CONTEXT_KEY } from '../schema';
import type { DataKeyContext, KeyProvider } from './key-provider';

/** Options of `kmsKeyProvider`. */
export interface KmsKeyProviderOptions {
  /**
   * The KMS key that wraps new data keys: a key id, key ARN, alias name or alias ARN. Records keep the ARN of the
   * key that wrapped them, so after you switch to another key the old one still decrypts them (keep the grant on
   * it for one retention period). KMS's own automatic rotation needs nothing here.
   */
  readonly keyId: string;
  /** A client of your own (region, retries, timeouts). @default a `KMSClient` made from `clientConfig` on first use */
  readonly client?: KMSClient;
  /** Settings of the client made on first use. @default {} (the region and credentials of the function) */
  readonly clientConfig?: KMSClientConfig;
}

/** The KMS encryption context of a record's data key: KMS binds the wrapped key to it, and CloudTrail logs it. */
export const ENCRYPTION_CONTEXT_KEY = KMS_ENCRYPTION_CONTEXT_KEY;

type KmsModule = typeof import('@aws-sdk/client-kms');

/**
 * A key provider on AWS KMS: `GenerateDataKey` (AES_256) per stored record and `Decrypt` per replay, with the record
 * id as encryption context. `@aws-sdk/client-kms` is an optional peer dependency, loaded on the first call, not
 * when this module loads. A KMS fault that may pass (throttling, a 5xx, the network) is an `IdempotencyStoreError`
 * (HTTP 503, retried); a key that cannot decrypt the record (wrong key, disabled, access denied, another record's
 * data key) is `IdempotencyResultUndecodableError` (HTTP 500, never re-run).
 */
export function kmsKeyProvider(options: KmsKeyProviderOptions): KeyProvider {
  const keyId = options?.keyId;
  if (typeof keyId !== 'string' || keyId.length === 0) refuseOption('keyId', 'be a KMS key id, ARN or alias', keyId);
  let loaded: Promise<{ readonly sdk: KmsModule; readonly client: KMSClient }> | undefined;
  const load = () => {
    loaded ??= import('@aws-sdk/client-kms').then((sdk) => ({
      sdk,
      client: options.client ?? new sdk.KMSClient(options.clientConfig ?? {}),
    }));
    return loaded;
  };
  const encryptionContext = ({ id }: DataKeyContext) => ({ [ENCRYPTION_CONTEXT_KEY]: id });
  return {
    async generateDataKey(context) {
      const { sdk, client } = await load();
      let output: GenerateDataKeyCommandOutput;
      try {
        output = await client.send(
          new sdk.GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext(context) }),
        );
      } catch (error) {
        throw new IdempotencyStoreError(`KMS GenerateDataKey failed: ${messageOf(error)}`, error);
      }
      if (!output.Plaintext || !output.CiphertextBlob || !output.KeyId)
        throw new IdempotencyStoreError('KMS GenerateDataKey answered without a key.', output);
      return { keyId: output.KeyId, plaintext: output.Plaintext, encrypted: output.CiphertextBlob };
    },
    async decryptDataKey({ keyId: wrappedBy, encrypted }, context) {
      const { sdk, client } = await load();
      let output: DecryptCommandOutput;
      try {
        output = await client.send(
          new sdk.DecryptCommand({ KeyId: wrappedBy, CiphertextBlob: encrypted, EncryptionContext: encryptionContext(context) }),
        );
      } catch (error) {
        if (isTransient(error)) throw new IdempotencyStoreError(`KMS Decrypt failed: ${messageOf(error)}`, error);
        throw new IdempotencyResultUndecodableError(
          `KMS cannot decrypt the stored result's data key (key ${wrappedBy}): ${messageOf(error)}`,
          error,
        );
      }
      if (!output.Plaintext) throw new IdempotencyStoreError('KMS Decrypt answered without a key.', output);
      return output.Plaintext;
    },
  };
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
  'TimeoutError',
  'AbortError',
]);

/**
 * Pure: whether a KMS error may pass on its own (retried, 503) rather than say this record cannot be decrypted.
 * No HTTP status at all means the request never got an answer (a refused connection, a reset, a timeout).
 */
export function isTransient(error: unknown): boolean {
  const e = error as { name?: unknown; $fault?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  if (typeof e !== 'object' || e === null) return true;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.$fault === 'server' || e.$retryable) return true;
  return typeof e.$metadata?.httpStatusCode !== 'number';
}

const messageOf = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
