/** The webhook adapter's defaults, one frozen object beside it. */
export const WEBHOOK_DEFAULTS = Object.freeze({
  toleranceSeconds: 300,
  signatureHeader: 'Stripe-Signature',
} as const);
