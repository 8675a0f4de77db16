/**
 * What the `DurableDispatcher` construct and the dispatcher's handler agree on. Imports nothing, so the CDK
 * side can read it without loading the runtime.
 */

/** The environment variable naming the durable function to start: a qualified ARN (a version or an alias). */
export const DURABLE_FUNCTION_ENV = 'DURABLE_FUNCTION_NAME';

/** The environment variable naming the key space of the executions' names (see `executionName`). */
export const DISPATCH_SCOPE_ENV = 'DURABLE_DISPATCH_SCOPE';

/** The one action the dispatcher needs, on the durable function it starts and nothing else. */
export const DISPATCH_ACTIONS = ['lambda:InvokeFunction'] as const;
