/**
 * The lines the Node.js Lambda runtime writes to CloudWatch when an invocation fails, so a user
 * debugging locally reads what they would read in the function's log group.
 */
export function invokeErrorLine(requestId: string, error: unknown, now = new Date()): string {
  const details =
    error instanceof Error
      ? { errorType: error.name, errorMessage: error.message, stack: (error.stack ?? '').split('\n') }
      : { errorType: typeof error, errorMessage: String(error), stack: [] as string[] };
  return `${now.toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(details)}`;
}

/** Lambda's line for an invocation stopped at the function timeout. */
export function timeoutLine(requestId: string, timeoutMs: number, now = new Date()): string {
  return `${now.toISOString()} ${requestId} Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;
}
