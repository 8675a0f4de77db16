import type { ApiGatewayEvent } from 'lambda-idempotency';
import { isPaymentId } from './payment-id';
import type { PageRequest } from './payment-items';
import type { InvalidParam } from './payment-request';

/** Stripe's list parameters: `limit` 1 to 100 (default 10), and at most one cursor. */
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;

const PARAMETERS = ['limit', 'starting_after', 'ending_before'];

/** Every value of each query parameter, whichever payload version the event has. */
function queryOf(event: ApiGatewayEvent): Map<string, string[]> {
  const values = new Map<string, string[]>();
  const add = (name: string, value: string) => values.set(name, [...(values.get(name) ?? []), value]);
  if ('rawQueryString' in event) {
    for (const [name, value] of new URLSearchParams(event.rawQueryString ?? '')) add(name, value);
  } else {
    for (const [name, list] of Object.entries(event.multiValueQueryStringParameters ?? {}))
      for (const value of list ?? []) add(name, value);
  }
  return values;
}

/** Reads `GET /payments`'s query; every parameter is checked, unknown and repeated ones refused. */
export function parseListRequest(event: ApiGatewayEvent): { ok: true; value: PageRequest } | { ok: false; errors: InvalidParam[] } {
  const query = queryOf(event);
  const errors: InvalidParam[] = [];
  for (const [name, values] of query) {
    if (!PARAMETERS.includes(name))
      errors.push({ name: name.slice(0, 64), reason: `is not a parameter of this list (expected ${PARAMETERS.join(', ')})` });
    else if (values.length > 1) errors.push({ name, reason: 'is given more than once' });
  }
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, 5) };

  const [limitText] = query.get('limit') ?? [];
  const limit = limitText === undefined ? DEFAULT_LIMIT : /^[0-9]{1,3}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) errors.push({ name: 'limit', reason: `must be an integer from 1 to ${MAX_LIMIT}` });
  const [after] = query.get('starting_after') ?? [];
  const [before] = query.get('ending_before') ?? [];
  for (const [name, id] of [
    ['starting_after', after],
    ['ending_before', before],
  ] as const) {
    if (id !== undefined && !isPaymentId(id)) errors.push({ name, reason: 'must be a payment id (pay_ and 26 letters or digits)' });
  }
  if (after !== undefined && before !== undefined) errors.push({ name: 'ending_before', reason: 'cannot be combined with starting_after' });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { limit, ...(after !== undefined && { after }), ...(before !== undefined && { before }) } };
}
