import { setTimeout as sleep } from 'node:timers/promises';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LEDGER_PARTITION_KEY, LEDGER_SORT_KEY } from './ledger-schema';

/** The test tokens the fake gateway knows, as payment providers have them. */
export const TEST_TOKENS = ['tok_visa', 'tok_chargeDeclined', 'tok_gatewayError', 'tok_slow'] as const;
export type TestToken = (typeof TEST_TOKENS)[number];

/** A charge as the gateway records it. */
export interface Charge {
  readonly chargeId: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: 'succeeded' | 'declined';
  readonly created: string;
}

/** The gateway could not be reached or failed transiently: nothing was charged; retry later. */
export class GatewayUnavailableError extends Error {
  override readonly name = 'GatewayUnavailableError';
}

/** How long `tok_slow` takes to charge, so duplicates can be seen waiting. */
export const SLOW_CHARGE_MS = 3_000;

/**
 * A stand-in for a payment provider, with a ledger in DynamoDB. Like a real provider it is idempotent
 * on the key the caller passes: a second charge with the same key returns the first charge, so even
 * a re-run after a lost lease charges once. Each charge item counts its `attempts`, for tests.
 */
export class FakePaymentGateway {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly ledgerTable: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async charge(request: { idempotencyKey: string; amount: number; currency: string; source: TestToken }): Promise<Charge> {
    if (request.source === 'tok_gatewayError') throw new GatewayUnavailableError('The payment gateway is temporarily unavailable.');
    if (request.source === 'tok_slow') await sleep(SLOW_CHARGE_MS);
    // One write that records the first charge for this key and counts every attempt: a second call
    // with the same key gets the first charge back (as at a real provider), and tests can see it came.
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        TableName: this.ledgerTable,
        Key: chargeKey(request.idempotencyKey),
        UpdateExpression:
          'SET chargeId = if_not_exists(chargeId, :chargeId), amount = if_not_exists(amount, :amount), ' +
          'currency = if_not_exists(currency, :currency), #status = if_not_exists(#status, :status), ' +
          'created = if_not_exists(created, :created) ADD attempts :one',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':chargeId': `ch_${request.idempotencyKey.slice(0, 24)}`,
          ':amount': request.amount,
          ':currency': request.currency,
          ':status': request.source === 'tok_chargeDeclined' ? 'declined' : 'succeeded',
          ':created': this.now().toISOString(),
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toCharge(Attributes!);
  }

  /** The charge made under `idempotencyKey`, if any: how a merchant reconciles a payment it could not settle. */
  async find(idempotencyKey: string): Promise<Charge | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.ledgerTable, Key: chargeKey(idempotencyKey), ConsistentRead: true }),
    );
    return Item ? toCharge(Item) : undefined;
  }
}

const chargeKey = (idempotencyKey: string) => ({ [LEDGER_PARTITION_KEY]: `CHARGE#${idempotencyKey}`, [LEDGER_SORT_KEY]: 'CHARGE' });

function toCharge(item: Record<string, unknown>): Charge {
  const { chargeId, amount, currency, status, created } = item as unknown as Charge;
  return { chargeId, amount, currency, status, created };
}
