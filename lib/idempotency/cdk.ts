// `lambda-idempotency/cdk`: the CDK construct and the table's schema. Loads aws-cdk-lib and the
// import-free schema module, and none of the runtime library.
export { IdempotencyTable } from '../cdk/idempotency-table';
export type { IdempotencyTableProps } from '../cdk/idempotency-table';
export { grantIdempotency } from '../cdk/idempotency-grant';
export type { IdempotencyGrantOptions } from '../cdk/idempotency-grant';
export type { ResultKeyGrantOptions } from '../cdk/result-key-grant';
export type { MultiRegionProps } from '../cdk/multi-region';
export {
  ATTRIBUTES,
  OPERATION_ENV,
  PARTITION_KEY,
  STORE_ACTIONS,
  TABLE_NAME_ENV,
  TTL_ATTRIBUTE,
  RESULT_KEY_ACTIONS,
  KMS_ENCRYPTION_CONTEXT_KEY,
} from './schema';
