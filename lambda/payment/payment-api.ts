import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import {
  idempotentHttp,
  principalOf,
  problemResponse,
  type ApiGatewayEvent,
  type HttpResponse,
  type IdempotencyContext,
  type IdempotentHttpOptions,
} from 'lambda-idempotency';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { dynamoDbTransactions } from 'lambda-idempotency/dynamodb-transactions';
import { createPayment, json, type PaymentLogger } from './create-payment';
import { FakePaymentGateway } from './fake-gateway';
import { parseListRequest } from './list-request';
import { isPaymentId } from './payment-id';
import { PAYMENT_OPERATION } from './payment-operation';
import { invalidRequest, paymentNotFound, PROBLEMS } from './payment-problems';
import { bodyOf, routeOf, screenPayment } from './payment-screen';
import type { StoredPayment } from './payment-items';
import { PaymentRepository, type Payment } from './payments';

/** What the payment API needs to run: its tables and a client to reach them. */
export interface PaymentApiConfig {
  readonly idempotencyTable: string;
  readonly ledgerTable: string;
  readonly client: DynamoDBClient;
  /** Passed on to `idempotentHttp` (the local cache, a shorter wait…). */
  readonly idempotency?: Omit<IdempotentHttpOptions, 'store'>;
  /** Where failures the caller cannot see are reported. @default console (CloudWatch, when deployed) */
  readonly logger?: PaymentLogger;
}

/**
 * The example payment API as one Lambda handler: `POST /payments` (idempotent), `GET /payments`,
 * `GET /payments/{id}` (pass through: GET is safe by nature).
 */
export function createPaymentApi(config: PaymentApiConfig) {
  const documents = DynamoDBDocumentClient.from(config.client);
  const gateway = new FakePaymentGateway(documents, config.ledgerTable);
  const payments = new PaymentRepository(documents, config.ledgerTable);
  const logger: PaymentLogger = config.logger ?? {
    error: (message, fields) => console.error(JSON.stringify({ level: 'ERROR', message, ...fields })),
  };

  async function route(event: ApiGatewayEvent, _context: Context, idem: IdempotencyContext): Promise<HttpResponse> {
    const owner = principalOf(event);
    if (!owner)
      return problemResponse({ type: `${PROBLEMS}unauthorized`, title: 'Unauthorized', status: 401, detail: 'Send a bearer token.' });
    const { method, resource, id } = routeOf(event);
    if (method === 'POST' && resource === '/payments') {
      return createPayment({ owner, body: bodyOf(event), idem }, { payments, gateway, logger });
    }
    if (method === 'GET' && resource === '/payments') {
      const request = parseListRequest(event);
      if (!request.ok) return invalidRequest('Invalid list request', request.errors);
      const page = await payments.page(owner, request.value);
      return json(200, { object: 'list', url: '/payments', has_more: page.hasMore, data: page.data });
    }
    if (method === 'GET' && resource === '/payments/{id}') {
      // Checked before any read: a malformed id is simply not one of this caller's payments.
      if (!isPaymentId(id)) return paymentNotFound();
      const payment = await payments.find(owner, id);
      return payment ? json(200, await reconciled(owner, payment)) : paymentNotFound();
    }
    return problemResponse({ type: `${PROBLEMS}no-route`, title: 'Not found', status: 404, detail: `No route for ${method} ${resource}.` });
  }

  /** A pending payment whose charge went through (its settling failed after the charge) is settled on read. */
  async function reconciled(owner: string, payment: StoredPayment): Promise<Payment> {
    const { downstreamKey, ...visible } = payment;
    if (visible.status !== 'pending') return visible;
    try {
      const charge = await gateway.find(downstreamKey);
      return charge ? await payments.settle(owner, visible.id, charge) : visible;
    } catch (error) {
      logger.error('A pending payment could not be reconciled; it stays pending.', { payment: visible.id, error: String(error) });
      return visible;
    }
  }

  const store = new DynamoDbStore({ tableName: config.idempotencyTable, client: config.client, transactions: dynamoDbTransactions() });
  const idempotent = idempotentHttp(route, { store, operation: PAYMENT_OPERATION, ...config.idempotency });
  return async (event: ApiGatewayEvent, context: Context) => screenPayment(event) ?? idempotent(event, context);
}
