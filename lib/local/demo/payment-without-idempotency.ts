import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  principalOf,
  problemResponse,
  type ApiGatewayEvent,
  type BusinessWrite,
  type HttpResponse,
  type IdempotencyContext,
} from 'lambda-idempotency';
import { createPayment, type PaymentLogger } from '../../../lambda/payment/create-payment';
import { FakePaymentGateway } from '../../../lambda/payment/fake-gateway';
import { PROBLEMS } from '../../../lambda/payment/payment-problems';
import { PaymentRepository } from '../../../lambda/payment/payments';

/** The demonstration route: the same payment handler, without the toolkit. Served by the local stand-in only. */
export const WITHOUT_IDEMPOTENCY_ROUTE = { method: 'POST', resource: '/without-idempotency/payments' } as const;

/**
 * A demonstration of the failure: `POST /payments`'s own handler, called unwrapped. No key is claimed
 * and nothing is stored, and each run gets a fresh downstream key (what a handler has without the
 * toolkit), so every retry of one payment charges the card again.
 */
export function createPaymentWithoutIdempotency(config: {
  readonly client: DynamoDBClient;
  readonly ledgerTable: string;
  readonly logger?: PaymentLogger;
}) {
  const documents = DynamoDBDocumentClient.from(config.client);
  const deps = {
    payments: new PaymentRepository(documents, config.ledgerTable),
    gateway: new FakePaymentGateway(documents, config.ledgerTable),
    logger: config.logger ?? {
      error: (message: string, fields: Record<string, unknown>) => console.error(JSON.stringify({ level: 'ERROR', message, ...fields })),
    },
  };
  return async (event: ApiGatewayEvent): Promise<HttpResponse> => {
    const owner = principalOf(event);
    if (!owner)
      return problemResponse({ type: `${PROBLEMS}unauthorized`, title: 'Unauthorized', status: 401, detail: 'Send a bearer token.' });
    // Without the toolkit, the handler's writes are simply sent after it ran: nothing ties them to a stored answer.
    const writes: BusinessWrite[] = [];
    const idem: IdempotencyContext = {
      key: undefined,
      downstreamKey: () => randomUUID(),
      write: (action) => void writes.push(action),
      signal: new AbortController().signal,
      leaseLost: false,
      step: (_name, fn) => fn(),
    };
    const body = event.body == null ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
    const response = await createPayment({ owner, body, idem }, deps);
    if (writes.length > 0)
      await documents.send(new TransactWriteCommand({ TransactItems: writes as TransactWriteCommandInput['TransactItems'] }));
    return response;
  };
}
