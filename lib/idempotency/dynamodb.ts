// `lambda-idempotency/dynamodb`: the DynamoDB store, the only entry that loads `@aws-sdk/client-dynamodb`.
export { DynamoDbStore } from './stores/dynamodb-store';
export type { DynamoDbStoreOptions } from './stores/dynamodb-store';
export { dynamoDbSteps } from './stores/dynamodb-step';
export type { DynamoDbSteps } from './stores/dynamodb-step';
