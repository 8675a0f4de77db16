import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Charge } from './fake-gateway';
import { newPaymentId } from './payment-id';
import {
  findInput,
  openInput,
  pageInput,
  reserveInput,
  settleInput,
  toPayment,
  type PageRequest,
  type Payment,
  type StoredPayment,
} from './payment-items';
import type { PaymentRequest } from './payment-request';

export type { PageRequest, Payment } from './payment-items';

/** A page of payments, newest first. */
export interface PaymentPage {
  readonly data: Payment[];
  readonly hasMore: boolean;
}

/**
 * The merchant's own record of payments, one partition per caller so no caller can read another's.
 * A payment is opened (`pending`) before its charge and settled after it, so a charge always has its
 * payment, whatever fails in between.
 */
export class PaymentRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    /** The ledger table, for writes committed elsewhere (`settleWrite`). */
    readonly table: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Reserves the payment for this downstream key and opens it as `pending`; a re-run gets the same
   * payment back, in whatever state the first run left it. `undefined`: the key was reserved for a
   * different request, and nothing may be charged.
   */
  async open(owner: string, downstreamKey: string, request: PaymentRequest): Promise<StoredPayment | undefined> {
    const now = this.now();
    let reserved: Record<string, unknown>;
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand(reserveInput(this.table, downstreamKey, request, newPaymentId(now), now.toISOString())),
      );
      reserved = Attributes!;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
    const payment: StoredPayment = {
      id: String(reserved.paymentId),
      amount: request.amount,
      currency: request.currency,
      status: 'pending',
      created: String(reserved.created),
      charge: null,
      downstreamKey,
    };
    try {
      await this.documents.send(new PutCommand(openInput(this.table, owner, payment)));
      return payment;
    } catch (error) {
      // An earlier run opened it: carry on from where it got (pending, or already settled).
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.find(owner, payment.id)) ?? payment;
    }
  }

  /** Settles a pending payment with its charge: `succeeded`, or `failed` for a declined card. */
  async settle(owner: string, id: string, charge: Charge): Promise<Payment> {
    const { Attributes } = await this.documents.send(new UpdateCommand(settleInput(this.table, owner, id, charge)));
    return toPayment(Attributes!);
  }

  /** The caller's payment, with the downstream key of its charge; `undefined` when it has none of that id. */
  async find(owner: string, id: string): Promise<StoredPayment | undefined> {
    const { Item } = await this.documents.send(new GetCommand(findInput(this.table, owner, id)));
    return Item ? { ...toPayment(Item), downstreamKey: String(Item.downstreamKey) } : undefined;
  }

  /** One page of the caller's payments, newest first. */
  async page(owner: string, page: PageRequest): Promise<PaymentPage> {
    const { Items = [] } = await this.documents.send(new QueryCommand(pageInput(this.table, owner, page)));
    const hasMore = Items.length > page.limit;
    const data = Items.slice(0, page.limit).map(toPayment);
    return { data: page.before !== undefined ? data.reverse() : data, hasMore };
  }
}
