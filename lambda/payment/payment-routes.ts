/**
 * The payment API's routes and CORS settings, as the deployed HTTP API declares them and the local
 * stand-in serves them: one list, so the two cannot drift. Imports nothing (the CDK app reads it).
 */

/** A route: a method and a resource with `{name}` path parameters. */
export interface PaymentRoute {
  readonly method: 'GET' | 'POST';
  readonly resource: string;
}

/** Every route of the payment API; anything else is API Gateway's own 404. */
export const PAYMENT_ROUTES: readonly PaymentRoute[] = [
  { method: 'POST', resource: '/payments' },
  { method: 'GET', resource: '/payments' },
  { method: 'GET', resource: '/payments/{id}' },
];

/** The HTTP API's CORS configuration: API Gateway answers preflights itself and adds these headers. */
export const PAYMENT_CORS = {
  /** Tokens travel in the Authorization header, not cookies, so no credentials are shared. */
  allowOrigins: ['*'],
  allowMethods: ['GET', 'POST', 'OPTIONS'],
  allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
  /** A browser client must see whether a response was replayed, when to retry, and where the payment is. */
  exposeHeaders: ['Idempotent-Replayed', 'Retry-After', 'Location'],
  maxAgeSeconds: 3_600,
} as const;
