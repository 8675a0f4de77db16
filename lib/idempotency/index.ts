export { idempotent } from './core/idempotent';
export type { IdempotentHandler, IdempotentOptions, MissingKeyPolicy } from './core/idempotent';
export type { IdempotencyContext } from './core/engine';
export type { EngineOptions, IdempotencyLogger } from './core/options';
export type {
  ClaimRequest,
  ClaimResult,
  CompleteRequest,
  EncodedResult,
  IdempotencyRecord,
  IdempotencyStore,
} from './core/store';
export { DynamoDbStore } from './stores/dynamodb-store';
export type { DynamoDbStoreOptions } from './stores/dynamodb-store';
export { MemoryStore } from './stores/memory-store';
export type { MemoryStoreOptions } from './stores/memory-store';
export {
  ErrorCode,
  hasErrorCode,
  IdempotencyError,
  IdempotencyInProgressError,
  IdempotencyKeyInvalidError,
  IdempotencyKeyMissingError,
  IdempotencyPayloadMismatchError,
  IdempotencyResultUnavailableError,
  IdempotencyStoreError,
} from './errors';
export type { IdempotencyErrorCode } from './errors';
