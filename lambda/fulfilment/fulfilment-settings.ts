/**
 * What the order-fulfilment function and the stack that deploys it agree on. Imports nothing, so the CDK app reads
 * it without loading the function's code.
 */

/** The idempotency operation of fulfilment, and the dispatcher's scope: stable across deploys. */
export const FULFILMENT_OPERATION = 'order-fulfilment/v1';

/** The durable function's execution timeout: a day, waits included. The wrapper's claim lasts as long. */
export const FULFILMENT_TIMEOUT_SECONDS = 86_400;

/** The EventBridge events that start a fulfilment: a settled payment. */
export const PAYMENT_SETTLED = { source: 'lambda-idempotency.payments', detailType: 'PaymentSettled' } as const;
