import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import {
  DynamoDbStore,
  idempotentHttp,
  principalOf,
  problemResponse,
  type ApiGatewayEvent,
  type HttpResponse,
  type IdempotencyContext,
  type IdempotencyStore,
  type IdempotentHttpOptions,
} from '../../lib/idempotency';
import { FakePaymentGateway, GatewayUnavailableError } from './fake-gateway';
import { parsePaymentRequest } from './payment-request';
import { PaymentRepository } from './payments';

/** Where the example's own problem types live (the library's have their own base). */
const PROBLEMS = 'tag:lambda-idempotency,2026:payments/';

/** What the payment API needs to run: its tables and a client to reach them. */
export interface PaymentApiConfig {
  readonly idempotencyTable: string;
  readonly ledgerTable: string;
  readonly client: DynamoDBClient;
  /**
   * Where the idempotency records live (a `RedisStore`, say; the ledger stays in DynamoDB).
   * @default a DynamoDbStore on `idempotencyTable`, through `client`
   */
  readonly store?: IdempotencyStore;
  /** Passed on to `idempotentHttp` (the local cache, a shorter wait…). */
  readonly idempotency?: Omit<IdempotentHttpOptions, 'store'>;
}

/**
 * The example payment API as one Lambda handler: `POST /payments` (idempotent), `GET /payments`,
 * `GET /payments/{id}` (pass through: GET is safe by nature).
 */
export function createPaymentApi(config: PaymentApiConfig) {
  const documents = DynamoDBDocumentClient.from(config.client);
  const gateway = new FakePaymentGateway(documents, config.ledgerTable);
  const payments = new PaymentRepository(documents, config.ledgerTable);

  async function route(event: ApiGatewayEvent, _context: Context, idem: IdempotencyContext): Promise<HttpResponse> {
    const owner = principalOf(event);
    if (!owner) return problemResponse({ type: `${PROBLEMS}unauthorized`, title: 'Unauthorized', status: 401, detail: 'Send a bearer token.' });
    const { method, resource, id } = routeOf(event);
    if (method === 'POST' && resource === '/payments') return createPayment(event, owner, idem);
    if (method === 'GET' && resource === '/payments') return json(200, { data: await payments.list(owner) });
    if (method === 'GET' && resource === '/payments/{id}' && id) {
      const payment = await payments.find(owner, id);
      if (payment) return json(200, payment);
      return problemResponse({ type: `${PROBLEMS}not-found`, title: 'Payment not found', status: 404, detail: `No payment ${id} for this caller.` });
    }
    return problemResponse({ type: `${PROBLEMS}no-route`, title: 'Not found', status: 404, detail: `No route for ${method} ${resource}.` });
  }

  async function createPayment(event: ApiGatewayEvent, owner: string, idem: IdempotencyContext): Promise<HttpResponse> {
    const body = event.body != null && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body ?? undefined;
    const parsed = parsePaymentRequest(body);
    if (!parsed.ok) {
      return problemResponse({
        type: `${PROBLEMS}invalid-request`,
        title: 'Invalid payment request',
        status: 400,
        detail: parsed.errors.map((error) => `\`${error.name}\` ${error.reason}`).join('; '),
        errors: parsed.errors,
      });
    }
    try {
      // The provider's own idempotency key: the same for every run of this request, so it charges once.
      const charge = await gateway.charge({ ...parsed.value, idempotencyKey: idem.downstreamKey('charge') });
      if (charge.status === 'declined') {
        return problemResponse({ type: `${PROBLEMS}card-declined`, title: 'Card declined', status: 402, detail: 'The card was declined.', chargeId: charge.chargeId });
      }
      const payment = await payments.record(owner, charge);
      return json(201, payment, { Location: `/payments/${payment.id}` });
    } catch (error) {
      if (!(error instanceof GatewayUnavailableError)) throw error;
      return problemResponse(
        { type: `${PROBLEMS}gateway-unavailable`, title: 'Payment gateway unavailable', status: 503, detail: 'Nothing was charged; retry with the same Idempotency-Key.' },
        { 'Retry-After': '1' },
      );
    }
  }

  const store = config.store ?? new DynamoDbStore({ tableName: config.idempotencyTable, client: config.client });
  return idempotentHttp(route, { store, ...config.idempotency });
}

function routeOf(event: ApiGatewayEvent): { method: string; resource: string; id: string | undefined } {
  const id = event.pathParameters?.id;
  if ('httpMethod' in event) return { method: event.httpMethod, resource: event.resource, id };
  const [method = '', resource = ''] = event.routeKey === '$default' ? [event.requestContext.http.method, event.rawPath] : event.routeKey.split(' ');
  return { method, resource, id };
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
