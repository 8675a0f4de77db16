import type { DurableContext } from '@aws/durable-execution-sdk-js';

/**
 * Whether the handler's second argument is the durable SDK's `DurableContext` (a handler wrapped in
 * `withDurableExecution`), judged by the members the SDK's type declares: `executionContext.durableExecutionArn`,
 * `lambdaContext`, `step`. Reads the type only: nothing of the SDK is loaded.
 */
export function isDurableContext(value: unknown): value is DurableContext {
  const context = value as Partial<DurableContext> | null | undefined;
  return (
    typeof context === 'object' &&
    context !== null &&
    typeof context.step === 'function' &&
    typeof context.lambdaContext === 'object' &&
    typeof context.executionContext?.durableExecutionArn === 'string'
  );
}
