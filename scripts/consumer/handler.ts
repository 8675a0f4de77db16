// A user's order function, as the README's Install section shows it: the package by name only.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { idempotentHttp, TABLE_NAME_ENV, type HttpResponse, type IdempotentHttpOptions } from 'lambda-idempotency';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';

let executions = 0;

const options: IdempotentHttpOptions<APIGatewayProxyEventV2> = {
  store: new DynamoDbStore({ tableName: process.env[TABLE_NAME_ENV] ?? 'orders-idempotency' }),
  metrics: false,
};

/** Places an order once per Idempotency-Key; a retry gets the first response back. */
export const handler = idempotentHttp(async (event: APIGatewayProxyEventV2, _context: Context, idem): Promise<HttpResponse> => {
  executions += 1;
  const order = JSON.parse(event.body ?? '{}') as { sku?: string; quantity?: number };
  return {
    statusCode: 201,
    headers: { 'content-type': 'application/json', location: `/orders/${idem.downstreamKey('order')}` },
    body: JSON.stringify({ sku: order.sku, quantity: order.quantity, execution: executions }),
  };
}, options);

/** How often the handler body ran in this process. */
export function executionCount(): number {
  return executions;
}
