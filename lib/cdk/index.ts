// `lambda-idempotency/cdk`: the CDK construct and the table's schema. Loads aws-cdk-lib and the
// import-free schema module, and none of the runtime library.
export { IdempotencyTable } from './idempotency-table';
export type { IdempotencyTableProps } from './idempotency-table';
export { grantIdempotency } from './idempotency-grant';
export type { IdempotencyGrantOptions } from './idempotency-grant';
export type { ResultKeyGrantOptions } from './result-key-grant';
export type { MultiRegionProps } from './multi-region';
export {
  ATTRIBUTES,
  KMS_ENCRYPTION_CONTEXT_KEY,
  OPERATION_ENV,
  PARTITION_KEY,
  RESULT_KEY_ACTIONS,
  STORE_ACTIONS,
  TABLE_NAME_ENV,
  TTL_ATTRIBUTE,
} from '../idempotency/schema';
export { DurableDispatcher } from './durable-dispatcher';
export type { DurableDispatcherProps } from './durable-dispatcher';
export { DISPATCH_ACTIONS, DISPATCH_SCOPE_ENV, DURABLE_FUNCTION_ENV } from '../idempotency/durable/dispatcher-settings';
