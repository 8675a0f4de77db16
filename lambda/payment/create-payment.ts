import { problemResponse, type HttpResponse, type IdempotencyContext } from 'lambda-idempotency';
import { GatewayUnavailableError, type FakePaymentGateway } from './fake-gateway';
import { invalidRequest, PROBLEMS } from './payment-problems';
import { parsePaymentRequest } from './payment-request';
import { settled, settleWrite, toPayment, type Payment } from './payment-items';
import type { PaymentRepository } from './payments';

/** Where the payment function reports what it cannot answer for (CloudWatch, through the console). */
export interface PaymentLogger {
  error(message: string, fields: Record<string, unknown>): void;
}

/** What `POST /payments` needs: the body (screened by `screenPayment`), the caller and the idempotency context. */
export interface CreatePaymentRequest {
  readonly owner: string;
  readonly body: Buffer;
  readonly idem: IdempotencyContext;
}

/**
 * `POST /payments`, in the order that keeps every charge on the books:
 *
 *   validate      bounded, before anything is written: 415, 413 (`screenPayment`, before the claim), 400
 *                 (released: the corrected request may reuse the key)
 *   open          reserve the payment id for the downstream key and record it as `pending`
 *   charge        at the gateway, idempotent on the same downstream key
 *   settle        the payment becomes `succeeded` (201) or `failed` (402), committed in one transaction
 *                 with the stored response (`idem.write`): both, or neither
 *
 * A failure before the charge answers 503 and releases the key; the retry re-runs safely (the same
 * payment, the same downstream key). If the commit itself fails, nothing of it is written: the caller
 * gets 503, the key stays claimed until its lease ends, and the retry after it charges nothing new
 * (the same downstream key) and settles the same pending payment; a read settles it meanwhile.
 */
export async function createPayment(
  request: CreatePaymentRequest,
  deps: { readonly payments: PaymentRepository; readonly gateway: FakePaymentGateway; readonly logger: PaymentLogger },
): Promise<HttpResponse> {
  const parsed = parsePaymentRequest(request.body);
  if (!parsed.ok) return invalidRequest('Invalid payment request', parsed.errors);

  // The provider's own idempotency key: the same for every run of this request, so it charges once.
  const downstreamKey = request.idem.downstreamKey('charge');
  const payment = await deps.payments.open(request.owner, downstreamKey, parsed.value);
  if (!payment) {
    return problemResponse({
      type: `${PROBLEMS}idempotency-key-reused`,
      title: 'Idempotency-Key reused',
      status: 422,
      detail: 'This Idempotency-Key already belongs to a different payment; use a new key for a new payment.',
    });
  }
  if (payment.status !== 'pending') return answer(payment); // an earlier run settled it

  let charge;
  try {
    charge = await deps.gateway.charge({ ...parsed.value, idempotencyKey: downstreamKey });
  } catch (error) {
    const unavailable = error instanceof GatewayUnavailableError;
    if (!unavailable)
      deps.logger.error('The charge failed; the payment stays pending and a retry charges at most once.', {
        payment: payment.id,
        error: describe(error),
      });
    return problemResponse(
      {
        type: `${PROBLEMS}gateway-unavailable`,
        title: 'Payment gateway unavailable',
        status: 503,
        detail: unavailable
          ? 'Nothing was charged; retry with the same Idempotency-Key.'
          : 'Retry with the same Idempotency-Key: it charges at most once.',
      },
      { 'Retry-After': '1' },
    );
  }

  request.idem.write(settleWrite(deps.payments.table, request.owner, payment.id, charge), { name: 'settle payment' });
  return answer(settled(payment, charge));
}

/** The answer for a payment in its state; only its public fields leave the function. */
function answer(payment: Payment): HttpResponse {
  const visible = toPayment({ ...payment });
  if (visible.status === 'failed') {
    return problemResponse({
      type: `${PROBLEMS}card-declined`,
      title: 'Card declined',
      status: 402,
      detail: 'The card was declined.',
      payment: visible.id,
      charge: visible.charge,
    });
  }
  return json(visible.status === 'succeeded' ? 201 : 202, visible, { Location: `/payments/${visible.id}` });
}

/** A JSON response. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

function describe(error: unknown): { name: string; message: string; stack?: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { name: 'NonError', message: String(error) };
}
