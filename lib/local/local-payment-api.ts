import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createPaymentApi, type PaymentApiConfig } from '../../lambda/payment/payment-api';
import { startLocalApi, type LocalApi, type LocalApiOptions, type RouteSpec } from './local-api';
import { createIdempotencyTable, createLedgerTable } from './tables';

/** The payment API's routes, as the CDK stack declares them. */
export const PAYMENT_ROUTES: readonly RouteSpec[] = [
  { method: 'POST', resource: '/payments' },
  { method: 'GET', resource: '/payments' },
  { method: 'GET', resource: '/payments/{id}' },
];

/** The payment API on localhost, with its tables, against the DynamoDB the client reaches. */
export interface LocalPaymentApi extends LocalApi {
  readonly idempotencyTable: string;
  readonly ledgerTable: string;
}

/** Creates both tables and serves the example payment API locally. */
export async function startLocalPaymentApi(
  options: Omit<LocalApiOptions, 'handler' | 'routes'> & {
    readonly client: DynamoDBClient;
    readonly idempotencyTable?: string;
    readonly ledgerTable?: string;
    readonly idempotency?: PaymentApiConfig['idempotency'];
    /** @default a DynamoDbStore on `idempotencyTable` */
    readonly store?: PaymentApiConfig['store'];
  },
): Promise<LocalPaymentApi> {
  const idempotencyTable = options.idempotencyTable ?? 'idempotency';
  const ledgerTable = options.ledgerTable ?? 'payment-ledger';
  await createIdempotencyTable(options.client, idempotencyTable);
  await createLedgerTable(options.client, ledgerTable);
  const handler = createPaymentApi({ idempotencyTable, ledgerTable, client: options.client, store: options.store, idempotency: options.idempotency });
  const api = await startLocalApi({ ...options, handler, routes: PAYMENT_ROUTES });
  return { ...api, idempotencyTable, ledgerTable };
}
