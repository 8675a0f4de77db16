import type { Warehouse } from './fulfil-order';

/**
 * The example's stand-in for a warehouse API: ids derived from the downstream key (as a real API that honours an
 * idempotency key answers a repeat with the first answer), and one log line per call.
 */
export const fakeWarehouse: Warehouse = {
  async reserve(orderId, key) {
    console.log(JSON.stringify({ message: 'Reserved stock.', orderId }));
    return `rsv_${key.slice(0, 16)}`;
  },
  async ship(orderId, reservationId, key) {
    console.log(JSON.stringify({ message: 'Shipped.', orderId, reservationId }));
    return `shp_${key.slice(0, 16)}`;
  },
  async notify(orderId, shipmentId) {
    console.log(JSON.stringify({ message: 'Notified the customer.', orderId, shipmentId }));
  },
};
