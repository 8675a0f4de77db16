// `lambda-idempotency/dispatcher`: starts one durable execution per message, named from its stable id. The only
// entry that loads `@aws-sdk/client-lambda` (an optional peer); handlers that do not dispatch bundle none of it.
export { durableDispatcher, DurableDispatchError } from './durable/dispatcher';
export type { DispatchFailure, DurableDispatcherOptions } from './durable/dispatcher';
export type { DispatchSource } from './durable/dispatch-message';
export { defaultPayload, defaultStableId } from './durable/dispatch-message';
export { executionName, EXECUTION_NAME_PATTERN } from './durable/execution-name';
export { DISPATCH_ACTIONS, DISPATCH_SCOPE_ENV, DURABLE_FUNCTION_ENV } from './durable/dispatcher-settings';
