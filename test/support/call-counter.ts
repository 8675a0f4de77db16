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

/**
 * Records which IAM item actions a client uses on which table (`dynamodb:PutItem` on `ledger-…`), so a
 * test can hold the grants the CDK stack writes to what the code really sends. Table management
 * (CreateTable, UpdateTimeToLive) is left out: the deployed function never does it.
 */
export function recordItemActions(client: DynamoDBClient) {
  const used = new Map<string, Set<string>>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const action = ITEM_ACTIONS[String(context.commandName)];
      const table = (args.input as { TableName?: string }).TableName;
      if (action && table) used.set(table, (used.get(table) ?? new Set()).add(action));
      // A transaction needs no action of its own: IAM checks each item's action on its table.
      for (const item of (args.input as { TransactItems?: Record<string, { TableName?: string }>[] }).TransactItems ?? []) {
        for (const [kind, body] of Object.entries(item)) {
          const perItem = TRANSACT_ITEM_ACTIONS[kind];
          if (perItem && body?.TableName) used.set(body.TableName, (used.get(body.TableName) ?? new Set()).add(perItem));
        }
      }
      return next(args);
    },
    { step: 'initialize', name: `actionRecorder-${Math.random()}` },
  );
  return {
    /** The actions used on `table`, sorted. */
    on: (table: string): string[] => [...(used.get(table) ?? [])].sort(),
  };
}

// The SDK's command names (client-dynamodb and lib-dynamodb) and the IAM action each needs.
const ITEM_ACTIONS: Record<string, string> = {
  GetItemCommand: 'dynamodb:GetItem',
  GetCommand: 'dynamodb:GetItem',
  PutItemCommand: 'dynamodb:PutItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  BatchGetItemCommand: 'dynamodb:BatchGetItem',
  BatchWriteItemCommand: 'dynamodb:BatchWriteItem',
  TransactGetItemsCommand: 'dynamodb:TransactGetItems',
};

// What IAM checks for each action of a TransactWriteItems (there is no dynamodb:TransactWriteItems action).
const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};
