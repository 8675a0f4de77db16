import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { TABLE_NAME_ENV } from 'lambda-idempotency';
import { idempotent } from 'lambda-idempotency/durable';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { fakeWarehouse } from './fake-warehouse';
import { fulfilOrder, type PaymentSettled } from './fulfil-order';
import { FULFILMENT_OPERATION, FULFILMENT_TIMEOUT_SECONDS } from './fulfilment-settings';

/**
 * The order-fulfilment durable function. The dispatcher in front of it starts one execution per EventBridge event;
 * `idempotent` keys on the payment, so even two events for one payment fulfil its order once.
 */
export const handler = withDurableExecution(
  idempotent(fulfilOrder(fakeWarehouse), {
    store: new DynamoDbStore({ tableName: process.env[TABLE_NAME_ENV] ?? '' }),
    operation: FULFILMENT_OPERATION,
    executionTimeoutSeconds: FULFILMENT_TIMEOUT_SECONDS,
    key: (event: PaymentSettled) => event.detail?.paymentId,
  }),
);
