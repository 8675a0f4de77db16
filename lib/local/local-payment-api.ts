import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createPaymentApi, type PaymentApiConfig } from '../../lambda/payment/payment-api';
import { PAYMENT_CORS, PAYMENT_ROUTES } from '../../lambda/payment/payment-routes';
import { startLocalApi, type LocalApi, type LocalApiOptions } from './local-api';
import { createIdempotencyTable, createLedgerTable } from './tables';

export { PAYMENT_ROUTES } from '../../lambda/payment/payment-routes';

/** The payment API on localhost, with its tables, against the DynamoDB the client reaches. */
export interface LocalPaymentApi extends LocalApi {
  readonly idempotencyTable: string;
  readonly ledgerTable: string;
}

/** Creates both tables and serves the example payment API locally. */
export async function startLocalPaymentApi(
  options: Omit<LocalApiOptions, 'handler' | 'routes' | 'cors'> & {
    readonly client: DynamoDBClient;
    readonly idempotencyTable?: string;
    readonly ledgerTable?: string;
    readonly idempotency?: PaymentApiConfig['idempotency'];
    readonly logger?: PaymentApiConfig['logger'];
  },
): Promise<LocalPaymentApi> {
  const idempotencyTable = options.idempotencyTable ?? 'idempotency';
  const ledgerTable = options.ledgerTable ?? 'payment-ledger';
  await createIdempotencyTable(options.client, idempotencyTable);
  await createLedgerTable(options.client, ledgerTable);
  const handler = createPaymentApi({ idempotencyTable, ledgerTable, client: options.client, idempotency: options.idempotency, logger: options.logger });
  // The deployed stack's routes and CORS settings, read from the same module the CDK stack reads.
  const api = await startLocalApi({ ...options, handler, routes: PAYMENT_ROUTES, cors: PAYMENT_CORS });
  return { ...api, idempotencyTable, ledgerTable };
}
