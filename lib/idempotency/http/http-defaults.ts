/** The HTTP adapter's defaults, one frozen object beside it (the webhook adapter shares the problem type base). */
export const HTTP_DEFAULTS = Object.freeze({
  methods: Object.freeze(['POST', 'PATCH']) as readonly string[],
  problemTypeBase: 'tag:lambda-idempotency,2026:problems/',
} as const);
