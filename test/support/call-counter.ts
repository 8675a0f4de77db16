import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Counts the commands a client sends, by name (`PutItemCommand: 1`), through SDK middleware: real calls, not mocks. */
export function countCalls(client: DynamoDBClient) {
  const counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: `callCounter-${Math.random()}` },
  );
  return {
    /** Calls since the last `reset()`, by command name. */
    get counts(): Readonly<Record<string, number>> {
      return { ...counts };
    },
    total(): number {
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    },
    reset(): void {
      for (const name of Object.keys(counts)) delete counts[name];
    },
  };
}
