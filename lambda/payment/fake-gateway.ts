import { setTimeout as sleep } from 'node:timers/promises';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
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
 * a re-run after a lost lease charges once.
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
    const charge: Charge = {
      chargeId: `ch_${request.idempotencyKey.slice(0, 24)}`,
      amount: request.amount,
      currency: request.currency,
      status: request.source === 'tok_chargeDeclined' ? 'declined' : 'succeeded',
      created: this.now().toISOString(),
    };
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.ledgerTable,
          Item: { [LEDGER_PARTITION_KEY]: `CHARGE#${request.idempotencyKey}`, [LEDGER_SORT_KEY]: 'CHARGE', ...charge },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': LEDGER_PARTITION_KEY },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return charge;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || !error.Item) throw error;
      // Seen this key before: the first charge stands, as at a real provider.
      const { [LEDGER_PARTITION_KEY]: _pk, [LEDGER_SORT_KEY]: _sk, ...first } = unmarshall(error.Item);
      return first as Charge;
    }
  }
}
