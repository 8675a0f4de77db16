// `lambda-idempotency/durable`: `idempotent` for Lambda durable functions (a handler inside `withDurableExecution`),
// and the SDK-backed `idem.step`. Reads the durable SDK's types only: it loads none of `@aws/durable-execution-sdk-js`.
export { idempotent, CLAIM_STEP, COMPLETE_STEP, RELEASE_STEP } from './durable/durable-idempotent';
export type { DurableIdempotentHandler, DurableIdempotentOptions } from './durable/durable-idempotent';
export { isDurableContext } from './core/durable-context';
export { durableSteps } from './durable/durable-steps';
export { DURABLE_CHECKPOINT_BYTES, executionLeaseToken } from './durable/execution-claim';
