import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { routeOf } from '../../lambda/payment/payment-screen';
import { createPaymentApi, type PaymentApiConfig } from '../../lambda/payment/payment-api';
import { PAYMENT_CORS, PAYMENT_ROUTES } from '../../lambda/payment/payment-routes';
import { demoAsset } from './demo/demo-assets';
import { createPaymentWithoutIdempotency, WITHOUT_IDEMPOTENCY_ROUTE } from './demo/payment-without-idempotency';
import { WifiFlicker } from './demo/wifi-flicker';
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
  options: Omit<LocalApiOptions, 'handler' | 'routes' | 'cors' | 'localRoutes' | 'dropResponse'> & {
    readonly client: DynamoDBClient;
    readonly idempotencyTable?: string;
    readonly ledgerTable?: string;
    readonly idempotency?: PaymentApiConfig['idempotency'];
    readonly logger?: PaymentApiConfig['logger'];
    /**
     * Also serve the browser demo: the page at `/`, the Wi-Fi flicker switch (`POST /_local/wifi-flicker`)
     * and the demonstration route that runs the payment handler without the toolkit
     * (`POST /without-idempotency/payments`). None of them exists in the deployed stack. @default false
     */
    readonly demo?: boolean;
  },
): Promise<LocalPaymentApi> {
  const idempotencyTable = options.idempotencyTable ?? 'idempotency';
  const ledgerTable = options.ledgerTable ?? 'payment-ledger';
  await createIdempotencyTable(options.client, idempotencyTable);
  await createLedgerTable(options.client, ledgerTable);
  const { demo, ...rest } = options;
  const handler = createPaymentApi({
    idempotencyTable,
    ledgerTable,
    client: options.client,
    idempotency: options.idempotency,
    logger: options.logger,
  });
  // The deployed stack's routes and CORS settings, read from the same module the CDK stack reads.
  if (!demo)
    return { ...(await startLocalApi({ ...rest, handler, routes: PAYMENT_ROUTES, cors: PAYMENT_CORS })), idempotencyTable, ledgerTable };

  const withoutIdempotency = createPaymentWithoutIdempotency({ client: options.client, ledgerTable, logger: options.logger });
  const flicker = new WifiFlicker();
  const api = await startLocalApi({
    ...rest,
    routes: [...PAYMENT_ROUTES, WITHOUT_IDEMPOTENCY_ROUTE],
    cors: PAYMENT_CORS,
    handler: async (event: Parameters<typeof routeOf>[0], context: Context) =>
      routeOf(event).resource === WITHOUT_IDEMPOTENCY_ROUTE.resource ? withoutIdempotency(event) : handler(event, context),
    localRoutes: (request) => demoAsset(request) ?? flicker.route(request),
    dropResponse: (request) => flicker.takes(request),
  });
  return { ...api, idempotencyTable, ledgerTable };
}
