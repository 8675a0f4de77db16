// `lambda-idempotency/dynamodb-transactions`: atomic completion (`idem.write`) for DynamoDbStore, a capability the
// handlers that use it import and pass to the store. The only entry that needs the peer `@aws-sdk/util-dynamodb`.
export { dynamoDbTransactions } from './stores/dynamodb-transactions';
export type { DynamoDbRecordTable, DynamoDbTransactions } from './stores/dynamodb-transactions';
export { TRANSACTION_LIMITS } from './stores/transaction-limits';
