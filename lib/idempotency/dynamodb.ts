// `lambda-idempotency/dynamodb`: the DynamoDB store, the only entry that loads `@aws-sdk/client-dynamodb`.
export { DynamoDbStore } from './stores/dynamodb-store';
export type { DynamoDbStoreOptions } from './stores/dynamodb-store';
export { dynamoDbSteps } from './stores/dynamodb-step';
export { tableLayout } from './stores/dynamodb-table-layout';
export type { TableLayout, TableLayoutOptions } from './table-layout';
export type { DynamoDbSteps } from './stores/dynamodb-step';
