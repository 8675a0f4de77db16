// Every wrapper, error and testing helper once, so the consumer's compiler checks each declaration it names.
import type { Context, SQSEvent } from 'aws-lambda';
import {
  ErrorCode,
  hasErrorCode,
  idempotencyOf,
  idempotent,
  idempotentMiddleware,
  idempotentSqs,
  idempotentWebhook,
  IdempotencyError,
  type IdempotencyStore,
  type IdempotentOptions,
} from 'lambda-idempotency';
import { DynamoDbStore, type DynamoDbStoreOptions } from 'lambda-idempotency/dynamodb';
import { durableDispatcher, executionName } from 'lambda-idempotency/dispatcher';
import { idempotent as durableIdempotent } from 'lambda-idempotency/durable';
import { createIdempotencyTable, DYNAMODB_LOCAL_CLIENT_CONFIG, MemoryStore, startDynamoDbLocal, type DynamoDbLocal } from 'lambda-idempotency/testing';

interface OrderPlaced {
  readonly id: string;
  readonly detail: { readonly orderId: string; readonly total: number };
}

const storeOptions: DynamoDbStoreOptions = { tableName: 'orders-idempotency' };
const store: IdempotencyStore = new DynamoDbStore(storeOptions);

const eventOptions: IdempotentOptions<OrderPlaced> = {
  store,
  key: (event) => event.detail.orderId,
  fingerprint: (event) => event.detail,
  expiresAfterSeconds: 3600,
};
export const onOrderPlaced = idempotent(async (event: OrderPlaced, _context, idem) => ({ shipped: event.detail.orderId, key: idem.key }), eventOptions);

export const onQueue: (event: SQSEvent, context: Context) => Promise<unknown> = idempotentSqs(async (record) => record.body.length, {
  store,
  key: (record) => record.messageId,
});

export const onWebhook = idempotentWebhook<{ id: string; type: string }>(async (payload) => {
  if (payload.type === 'payment_intent.succeeded') return;
}, { store, secret: ['whsec_old', 'whsec_new'] });

export const middleware = idempotentMiddleware<{ body: { orderId: string } }>({ store, key: (event) => event.body.orderId });
export const idemOf = (context: Context) => idempotencyOf(context).downstreamKey('charge');

export function isRetryable(error: unknown): boolean {
  return hasErrorCode(error, ErrorCode.inProgress) || (error instanceof IdempotencyError && error.code === ErrorCode.storeFailure);
}

export async function withLocalTable(run: (local: DynamoDbLocal) => Promise<void>): Promise<void> {
  const local = await startDynamoDbLocal({ timeoutMs: 60_000 });
  try {
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    await createIdempotencyTable(new DynamoDBClient({ ...DYNAMODB_LOCAL_CLIENT_CONFIG, endpoint: local.endpoint }), 'orders-idempotency');
    await run(local);
  } finally {
    await local.stop();
  }
}

export const unitTestStore = new MemoryStore({ maxResultBytes: 1024 });

// Durable functions: the execution-owned wrapper with a recovery point, and the dispatcher in front of it.
export const fulfilOrder = durableIdempotent(
  async (event: OrderPlaced, _context, idem) => idem.step('ship', async () => ({ shipped: event.detail.orderId })),
  { store, executionTimeoutSeconds: 3600 },
);
export const dispatchOrders = durableDispatcher({ functionName: 'fulfil-order:live', scope: 'orders' });
export const orderExecution: string = executionName('orders', 'message-1');
