/**
 * The payment API's idempotency operation: what its stored keys and its downstream (charge) keys
 * belong to. A constant, not the function's name, which CloudFormation generates: a deploy that
 * renames or replaces the function keeps every stored key and charges a retried payment once.
 * Change it only when `POST /payments` changes meaning (a new version of the endpoint).
 * This module imports nothing, so the CDK stack can read it too.
 */
export const PAYMENT_OPERATION = 'payments';
