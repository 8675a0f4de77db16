// The CDK side of lambda-idempotency. Imports only the schema module of the runtime.
export { IdempotencyTable, type IdempotencyTableProps } from './idempotency-table';
export { PaymentApiStack, type PaymentApiStackProps } from './payment-api-stack';
