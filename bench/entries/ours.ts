/** Bundle entry: the handler wrapped by this toolkit with its default options, as the README shows. */
import { idempotentHttp } from 'lambda-idempotency';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { charge, tableName } from './payment-handler';

export const handler = idempotentHttp(charge, { store: new DynamoDbStore({ tableName }) });
