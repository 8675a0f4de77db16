/** The default base of problem `type` URIs: a tag URI (RFC 4151), stable and never dereferenced. */
export const DEFAULT_PROBLEM_TYPE_BASE = 'tag:lambda-idempotency,2026:problems/';

/** The HTTP adapter's defaults, one frozen object beside it (the webhook adapter shares the problem type base). */
export const HTTP_DEFAULTS = Object.freeze({
  methods: Object.freeze(['POST', 'PATCH']) as readonly string[],
  problemTypeBase: DEFAULT_PROBLEM_TYPE_BASE,
} as const);
