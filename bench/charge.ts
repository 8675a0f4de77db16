import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { IdempotencyContext } from 'lambda-idempotency';
import { httpApiEvent } from '../lib/local/api-events';
import { localLambdaContext } from '../lib/local/lambda-context';

/** What the fake payment handler answers: a 201 with the payment as JSON. */
export interface PaymentResponse {
  readonly statusCode: number;
  readonly body: string;
}

/** The Lambda function's name in every context; neither library is told it runs in Lambda. */
export const FUNCTION_NAME = 'bench-payments';

/** How long each invocation has left when it starts (so leases are 30 s plus a margin). */
export const INVOCATION_REMAINING_MS = 30_000;

const ORDER = JSON.stringify({ amount: 1000, currency: 'EUR', source: 'tok_visa', description: 'Order 1234' });

/** The same request every contender gets: an HTTP API (2.0) POST with a JWT principal, a key and a JSON body. */
export function paymentEvent(key: string, principal = 'alice'): APIGatewayProxyEventV2 {
  return httpApiEvent(
    {
      method: 'POST',
      path: '/payments',
      rawQuery: '',
      headers: [
        ['Content-Type', 'application/json'],
        ['Idempotency-Key', key],
        ['User-Agent', 'bench/1.0'],
      ],
      body: Buffer.from(ORDER),
      sourceIp: '203.0.113.7',
      principal,
    },
    { method: 'POST', resource: '/payments', pathParameters: null },
  );
}

/** A fresh Lambda context, its remaining time counting down in real time. */
export function invocationContext(): Context {
  return localLambdaContext(INVOCATION_REMAINING_MS, FUNCTION_NAME);
}

/** A duplicate to hold in flight: the handler waits at `started` until `release()`. */
interface Hold {
  readonly started: Promise<void>;
  markStarted(): void;
  readonly released: Promise<void>;
  release(): void;
}

/**
 * The business write a handler makes beside the idempotency record (one order), given the order's id
 * and the `idem` this toolkit passes (undefined under Powertools).
 */
export type OrderWriter = (orderId: string, idem: IdempotencyContext | undefined) => Promise<void>;

/**
 * The handler every contender wraps: a trivial fake "charge" that answers 201 with a new payment id,
 * with no I/O unless it was given an `OrderWriter` (then it writes one order first). It counts its executions and remembers which invocations (by `awsRequestId`) ran it, so
 * a response can be told apart as "ran" or "replayed" for either library. A scenario can hold a key
 * in flight or make it throw.
 */
export class FakeCharge {
  /** How many times the handler body ran. */
  executions = 0;
  private readonly ran = new Set<string>();
  private readonly holds = new Map<string, Hold>();
  private readonly failing = new Set<string>();

  constructor(private readonly writeOrder?: OrderWriter) {}

  readonly handler = async (event: APIGatewayProxyEventV2, context: Context, idem?: IdempotencyContext): Promise<PaymentResponse> => {
    this.executions++;
    this.ran.add(context.awsRequestId);
    const key = event.headers['idempotency-key'] ?? '';
    const hold = this.holds.get(key);
    if (hold) {
      hold.markStarted();
      await hold.released;
    }
    if (this.failing.has(key)) throw new Error('card declined (simulated handler error)');
    const order = JSON.parse(event.body ?? '{}') as Record<string, unknown>;
    await this.writeOrder?.(`order_${randomUUID()}`, idem);
    const payment = { id: `pay_${randomUUID()}`, ...order, status: 'succeeded', created: new Date().toISOString() };
    return { statusCode: 201, body: JSON.stringify(payment) };
  };

  /** Whether the invocation with this request id ran the handler (rather than being answered by the library). */
  didRun(awsRequestId: string): boolean {
    return this.ran.has(awsRequestId);
  }

  /** Makes the handler throw for `key`. */
  failFor(key: string): void {
    this.failing.add(key);
  }

  /** Keeps the handler for `key` in flight until `release()`. */
  holdFor(key: string): Hold {
    let markStarted!: () => void;
    let release!: () => void;
    const hold: Hold = {
      started: new Promise<void>((resolve) => (markStarted = resolve)),
      markStarted: () => markStarted(),
      released: new Promise<void>((resolve) => (release = resolve)),
      release: () => {
        release();
        this.holds.delete(key);
      },
    };
    this.holds.set(key, hold);
    return hold;
  }
}
