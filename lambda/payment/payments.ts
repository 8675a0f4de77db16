import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Charge } from './fake-gateway';
import { LEDGER_PARTITION_KEY, LEDGER_SORT_KEY } from './ledger-schema';

/** A payment as the API returns it. */
export interface Payment {
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: 'succeeded';
  readonly created: string;
}

/** The merchant's own record of payments, one partition per caller so no caller can read another's. */
export class PaymentRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly ledgerTable: string,
  ) {}

  /** Records a successful charge as the caller's payment. The id derives from the charge, so a re-run writes the same item. */
  async record(owner: string, charge: Charge): Promise<Payment> {
    const payment: Payment = {
      id: charge.chargeId.replace(/^ch_/, 'pay_'),
      amount: charge.amount,
      currency: charge.currency,
      status: 'succeeded',
      created: charge.created,
    };
    await this.documents.send(new PutCommand({ TableName: this.ledgerTable, Item: { ...this.key(owner, payment.id), ...payment } }));
    return payment;
  }

  async find(owner: string, id: string): Promise<Payment | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.ledgerTable, Key: this.key(owner, id) }));
    return Item ? toPayment(Item) : undefined;
  }

  /** The caller's payments, newest first, at most `limit`. */
  async list(owner: string, limit = 100): Promise<Payment[]> {
    const { Items = [] } = await this.documents.send(
      new QueryCommand({
        TableName: this.ledgerTable,
        KeyConditionExpression: '#pk = :owner AND begins_with(#sk, :payment)',
        ExpressionAttributeNames: { '#pk': LEDGER_PARTITION_KEY, '#sk': LEDGER_SORT_KEY },
        ExpressionAttributeValues: { ':owner': `OWNER#${owner}`, ':payment': 'PAYMENT#' },
        Limit: limit,
      }),
    );
    return Items.map(toPayment).sort((a, b) => b.created.localeCompare(a.created));
  }

  private key(owner: string, id: string) {
    return { [LEDGER_PARTITION_KEY]: `OWNER#${owner}`, [LEDGER_SORT_KEY]: `PAYMENT#${id}` };
  }
}

function toPayment(item: Record<string, unknown>): Payment {
  const { id, amount, currency, status, created } = item as unknown as Payment;
  return { id, amount, currency, status, created };
}
