import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OPERATION_ENV, TABLE_NAME_ENV } from 'lambda-idempotency';
import { LEDGER_TABLE_NAME_ENV } from './ledger-schema';
import { createPaymentApi } from './payment-api';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`The environment variable ${name} is not set`);
  return value;
}

/** The deployed payment function. Built at module load (Lambda's init phase), so warm invocations reuse it. */
export const handler = createPaymentApi({
  idempotencyTable: requiredEnv(TABLE_NAME_ENV),
  ledgerTable: requiredEnv(LEDGER_TABLE_NAME_ENV),
  client: new DynamoDBClient({}),
  idempotency: { localCache: true, operation: requiredEnv(OPERATION_ENV) },
});
