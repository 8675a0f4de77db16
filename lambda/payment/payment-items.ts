import { createHash } from 'node:crypto';
import type { GetCommandInput, PutCommandInput, QueryCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Charge } from './fake-gateway';
import { LEDGER_PARTITION_KEY as PK, LEDGER_SORT_KEY as SK } from './ledger-schema';
import type { PaymentRequest } from './payment-request';

/** A payment as the API returns it. `pending`: recorded before the charge, not settled yet. */
export interface Payment {
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: 'pending' | 'succeeded' | 'failed';
  readonly created: string;
  /** The gateway's charge, once settled. */
  readonly charge: string | null;
}

/** A payment as stored: the payment and the downstream key its charge goes by. */
export interface StoredPayment extends Payment {
  readonly downstreamKey: string;
}

/** The ledger's partition for one caller: the principal hashed, so the key is bounded. */
export function ownerKey(principal: string): string {
  return `OWNER#${createHash('sha256').update(principal).digest('base64url')}`;
}

const paymentKey = (owner: string, id: string) => ({ [PK]: ownerKey(owner), [SK]: `PAYMENT#${id}` });
const intentKey = (downstreamKey: string) => ({ [PK]: `INTENT#${downstreamKey}`, [SK]: 'INTENT' });

/**
 * Reserves a payment id for this request's downstream key, before anything is charged: the first run
 * writes `id` and `created`, a re-run (after a crash or a lost lease) gets the same ones back. The
 * condition refuses a different request under the same key (ConditionalCheckFailed).
 */
export function reserveInput(
  table: string,
  downstreamKey: string,
  request: PaymentRequest,
  id: string,
  created: string,
): UpdateCommandInput {
  return {
    TableName: table,
    Key: intentKey(downstreamKey),
    UpdateExpression:
      'SET paymentId = if_not_exists(paymentId, :id), created = if_not_exists(created, :created), ' +
      'amount = if_not_exists(amount, :amount), currency = if_not_exists(currency, :currency), #source = if_not_exists(#source, :source)',
    ConditionExpression: `attribute_not_exists(${PK}) OR (amount = :amount AND currency = :currency AND #source = :source)`,
    ExpressionAttributeNames: { '#source': 'source' },
    ExpressionAttributeValues: {
      ':id': id,
      ':created': created,
      ':amount': request.amount,
      ':currency': request.currency,
      ':source': request.source,
    },
    ReturnValues: 'ALL_NEW',
  };
}

/** Opens the payment as `pending`, unless an earlier run did (ConditionalCheckFailed). */
export function openInput(table: string, owner: string, payment: StoredPayment): PutCommandInput {
  return {
    TableName: table,
    Item: { ...paymentKey(owner, payment.id), ...payment },
    ConditionExpression: `attribute_not_exists(${PK})`,
  };
}

/**
 * Settles a pending payment with its charge. Repeatable (a re-run settles with the same charge), and
 * never moves a settled payment elsewhere. `settleWrite` is the same write for `idem.write`.
 */
export function settleInput(table: string, owner: string, id: string, charge: Charge): UpdateCommandInput {
  const status = charge.status === 'succeeded' ? 'succeeded' : 'failed';
  return {
    TableName: table,
    Key: paymentKey(owner, id),
    UpdateExpression: 'SET #status = :status, charge = :charge',
    ConditionExpression: `attribute_exists(${PK}) AND (#status = :pending OR (#status = :status AND charge = :charge))`,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':status': status, ':charge': charge.chargeId, ':pending': 'pending' },
    ReturnValues: 'ALL_NEW',
  };
}

/**
 * The settle write committed with the stored response in one transaction (`idem.write`): the payment is
 * settled exactly when its response is stored. A transaction's update returns nothing, so `settled` says what it wrote.
 */
export function settleWrite(
  table: string,
  owner: string,
  id: string,
  charge: Charge,
): { Update: Omit<UpdateCommandInput, 'ReturnValues'> } {
  const { ReturnValues: _none, ...update } = settleInput(table, owner, id, charge);
  return { Update: update };
}

/** The payment as `settleWrite` leaves it. */
export function settled(payment: Payment, charge: Charge): Payment {
  return { ...payment, status: charge.status === 'succeeded' ? 'succeeded' : 'failed', charge: charge.chargeId };
}

/** One payment, read strongly consistent: a GET right after the POST sees it. */
export function findInput(table: string, owner: string, id: string): GetCommandInput {
  return { TableName: table, Key: paymentKey(owner, id), ConsistentRead: true };
}

/** Where a page starts and how long it is; `after`/`before` are ids, exclusive. */
export interface PageRequest {
  readonly limit: number;
  readonly after?: string;
  readonly before?: string;
}

/**
 * One page of the caller's payments, one more than `limit` to learn `has_more`. Newest first
 * (descending); `before` (Stripe's `ending_before`) walks up towards newer ones (ascending), and the
 * caller reverses that page. The cursor is a position in the sort order, so it need not exist.
 */
export function pageInput(table: string, owner: string, page: PageRequest): QueryCommandInput {
  const cursor = page.after ?? page.before;
  return {
    TableName: table,
    KeyConditionExpression: '#pk = :owner AND begins_with(#sk, :payment)',
    ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
    ExpressionAttributeValues: { ':owner': ownerKey(owner), ':payment': 'PAYMENT#' },
    ScanIndexForward: page.before !== undefined,
    Limit: page.limit + 1,
    ConsistentRead: true,
    ...(cursor !== undefined && { ExclusiveStartKey: paymentKey(owner, cursor) }),
  };
}

/** The public part of a stored payment. */
export function toPayment(item: Record<string, unknown>): Payment {
  const { id, amount, currency, status, created, charge } = item as unknown as Payment;
  return { id, amount, currency, status, created, charge: charge ?? null };
}
