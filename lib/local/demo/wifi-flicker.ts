import type { LocalAnswer, LocalRouteRequest } from '../local-api';

/** Where the demo page arms the flicker: `POST` with the caller's bearer token. Local only. */
export const FLICKER_PATH = '/_local/wifi-flicker';

/** The payment routes whose answer a flicker drops. */
const PAYMENT_PATHS = new Set(['/payments', '/without-idempotency/payments']);

/**
 * The flaky Wi-Fi of the concept card, as a switch of the local stand-in (never of the deployed code):
 * armed for one caller, it lets that caller's next payment run to the end, then drops its answer, so
 * the browser sees a network error after the card was charged. It disarms itself: the retry goes through.
 */
export class WifiFlicker {
  private readonly armed = new Set<string>();

  /** Drops the next payment answer to this caller. */
  arm(principal: string): void {
    this.armed.add(principal);
  }

  /** Whether to drop this answer; `true` once per arming. */
  takes(request: LocalRouteRequest): boolean {
    if (request.method !== 'POST' || !PAYMENT_PATHS.has(request.path) || request.principal === undefined) return false;
    return this.armed.delete(request.principal);
  }

  /** The switch's own route: `POST /_local/wifi-flicker` arms it for the bearer; `undefined` for any other request. */
  route(request: LocalRouteRequest): LocalAnswer | undefined {
    if (request.path !== FLICKER_PATH) return undefined;
    if (request.method !== 'POST')
      return problem(405, 'Method Not Allowed', `Send \`POST ${FLICKER_PATH}\` to arm the flicker.`, { allow: 'POST' });
    if (request.principal === undefined)
      return problem(
        401,
        'Unauthorized',
        'Send `Authorization: Bearer <token>`: the flicker drops the next payment answer to that caller.',
        { 'www-authenticate': 'Bearer' },
      );
    this.arm(request.principal);
    return { status: 204, headers: {}, body: '' };
  }
}

function problem(status: number, title: string, detail: string, headers: Record<string, string>): LocalAnswer {
  const type = `tag:lambda-idempotency,2026:local/${status === 401 ? 'unauthorized' : 'method-not-allowed'}`;
  return {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify({ type, title, status, detail }),
  };
}
