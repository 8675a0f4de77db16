// `lambda-idempotency/cdk`: the CDK construct and the table's schema. Loads aws-cdk-lib and the
// import-free schema module, and none of the runtime library.
export { IdempotencyTable } from '../cdk/idempotency-table';
export type { IdempotencyTableProps } from '../cdk/idempotency-table';
export { grantIdempotency } from '../cdk/idempotency-grant';
export type { IdempotencyGrantOptions } from '../cdk/idempotency-grant';
export type { MultiRegionProps } from '../cdk/multi-region';
export { ATTRIBUTES, OPERATION_ENV, PARTITION_KEY, STORE_ACTIONS, TABLE_NAME_ENV, TTL_ATTRIBUTE } from './schema';
export { DurableDispatcher } from '../cdk/durable-dispatcher';
export type { DurableDispatcherProps } from '../cdk/durable-dispatcher';
export { DISPATCH_ACTIONS, DISPATCH_SCOPE_ENV, DURABLE_FUNCTION_ENV } from './durable/dispatcher-settings';
