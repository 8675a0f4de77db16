/** Bundle entry: the handler wrapped by this toolkit with its default options, as the README shows. */
import { DynamoDbStore, idempotentHttp } from '../../lib/idempotency';
import { charge, tableName } from './payment-handler';

export const handler = idempotentHttp(charge, { store: new DynamoDbStore({ tableName }) });
