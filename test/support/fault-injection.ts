import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Makes the next `times` calls of `commandName` on a real client fail with `error` before they are
 * sent (after the SDK's own retries, as far as the caller can tell); every other call reaches the engine.
 * Returns a function that stops the faults, so none leak into the next test.
 */
export function failNext(client: DynamoDBClient, commandName: string, error: Error, times = 1): () => void {
  let left = times;
  const name = `failNext-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === commandName && left > 0) {
        left--;
        throw error;
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => void client.middlewareStack.remove(name);
}

/**
 * Makes the next `times` calls for which `matches(commandName, input)` holds fail with `error` before
 * they are sent: a fault at one precise write (the ledger's settle, not the gateway's charge).
 */
export function failWhen(
  client: DynamoDBClient,
  matches: (commandName: string, input: Record<string, unknown>) => boolean,
  error: Error,
  times = 1,
): () => void {
  let left = times;
  const name = `failWhen-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (left > 0 && matches(String(context.commandName), args.input as Record<string, unknown>)) {
        left--;
        throw error;
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => void client.middlewareStack.remove(name);
}

/** SDK-shaped errors for the faults DynamoDB Local cannot produce on demand. */
export const faults = {
  throttling: () =>
    Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    }),
  timeout: () => Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' }),
  serverError: () => Object.assign(new Error('Internal server error'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }),
  connectionReset: () => Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' }),
};
