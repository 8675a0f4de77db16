import type { DurableContext } from '@aws/durable-execution-sdk-js';
import type { IdempotencyContext } from 'lambda-idempotency';

/** A settled payment, as EventBridge delivers it (the dispatcher hands the whole event to the execution). */
export interface PaymentSettled {
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly detail: { readonly paymentId: string; readonly orderId: string };
}

/** The three side effects of fulfilment; each takes the downstream key that makes a repeat of it harmless. */
export interface Warehouse {
  reserve(orderId: string, key: string): Promise<string>;
  ship(orderId: string, reservationId: string, key: string): Promise<string>;
  notify(orderId: string, shipmentId: string, key: string): Promise<void>;
}

/** What a fulfilment returns, and what a duplicate execution of the same payment gets back. */
export interface Fulfilment {
  readonly orderId: string;
  readonly reservationId: string;
  readonly shipmentId: string;
}

/**
 * Fulfils the order of a settled payment: reserve the stock, wait out the cancellation window, ship, notify. Each
 * side effect is a recovery point (`idem.step`, the durable SDK's step), so a replay after the wait, or a run after a
 * crash, does only what had not finished.
 */
export function fulfilOrder(warehouse: Warehouse, cancellationWindowSeconds = 60) {
  return async (event: PaymentSettled, context: DurableContext, idem: IdempotencyContext): Promise<Fulfilment> => {
    const { orderId } = event.detail;
    const reservationId = await idem.step('reserve', () => warehouse.reserve(orderId, idem.downstreamKey('reserve')));
    await context.wait('cancellation-window', { seconds: cancellationWindowSeconds });
    const shipmentId = await idem.step('ship', () => warehouse.ship(orderId, reservationId, idem.downstreamKey('ship')));
    await idem.step('notify', () => warehouse.notify(orderId, shipmentId, idem.downstreamKey('notify')));
    return { orderId, reservationId, shipmentId };
  };
}
