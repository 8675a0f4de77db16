import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { KMS_ENCRYPTION_CONTEXT_KEY, RESULT_KEY_ACTIONS } from '../idempotency/schema';

/** The KMS key a function encrypts its stored results under (`encryptResults` with `kmsKeyProvider`). */
export interface ResultKeyGrantOptions {
  /**
   * The KMS key `kmsKeyProvider({ keyId })` names: the grantee may `GenerateDataKey` and `Decrypt` on it, only for
   * idempotency records (the encryption context carries the record id under `lambda-idempotency:record`). After
   * switching to another key, keep granting the old one for one retention period: its records still decrypt.
   * @default - no KMS permission (results are not encrypted with KMS)
   */
  readonly resultEncryptionKey?: kms.IKey;
}

/**
 * Grants `grantee` the two KMS actions `kmsKeyProvider` sends (`RESULT_KEY_ACTIONS`) on `key`, conditioned on the
 * idempotency record's encryption context, through the key policy too where the key is in this stack.
 */
export function grantResultKey(key: kms.IKey, grantee: iam.IGrantable): iam.Grant {
  return iam.Grant.addToPrincipalOrResource({
    grantee,
    actions: [...RESULT_KEY_ACTIONS],
    resourceArns: [key.keyArn],
    resource: key,
    // ForAllValues holds vacuously for a request without an encryption context; Null: false demands one.
    conditions: {
      'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [KMS_ENCRYPTION_CONTEXT_KEY] },
      Null: { 'kms:EncryptionContextKeys': 'false' },
    },
  });
}
