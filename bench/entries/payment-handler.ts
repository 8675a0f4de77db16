import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The handler every bundle ships: a trivial fake charge (no I/O) answering 201, as in the timed runs. */
export async function charge(event: APIGatewayProxyEventV2): Promise<{ statusCode: number; body: string }> {
  const order = JSON.parse(event.body ?? '{}') as Record<string, unknown>;
  return { statusCode: 201, body: JSON.stringify({ id: `pay_${randomUUID()}`, ...order, status: 'succeeded' }) };
}

/** The table name the wrapped handlers read, as a deployed function would. */
export const tableName = process.env.IDEMPOTENCY_TABLE_NAME ?? 'idempotency';
