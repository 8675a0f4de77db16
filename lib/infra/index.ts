// The example's CDK side. The published construct is `IdempotencyTable` from `lambda-idempotency/cdk`.
export { PaymentApiStack, type PaymentApiStackProps } from './payment-api-stack';
