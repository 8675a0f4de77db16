import { parseListRequest } from '../../lambda/payment/list-request';
import { screenPayment } from '../../lambda/payment/payment-screen';
import { EVENT_SHAPES } from '../support/api-gateway-fixtures';

const ID = 'pay_01m8rbw2b0thjswe1f6qtkydfx';

describe.each(EVENT_SHAPES)('the list query of a %s event', (_shape, makeEvent) => {
  const list = (query: string) => parseListRequest(makeEvent({ method: 'GET', resource: '/payments', query }));

  it('defaults to 10 newest', () => {
    expect(list('')).toEqual({ ok: true, value: { limit: 10 } });
  });

  it('reads limit and one cursor', () => {
    expect(list(`limit=25&starting_after=${ID}`)).toEqual({ ok: true, value: { limit: 25, after: ID } });
    expect(list(`ending_before=${ID}`)).toEqual({ ok: true, value: { limit: 10, before: ID } });
  });

  it('refuses a repeated parameter, whichever way the payload version carries repeats', () => {
    expect(list('limit=1&limit=2')).toEqual({ ok: false, errors: [{ name: 'limit', reason: 'is given more than once' }] });
  });

  it.each(['limit=0', 'limit=101', 'limit=%31%30%30%30', 'limit=+5', 'starting_after=pay_1', 'sort=amount'])('refuses %s', (query) => {
    expect(list(query).ok).toBe(false);
  });
});

describe.each(EVENT_SHAPES)('screening a %s event', (_shape, makeEvent) => {
  const post = (headers: [string, string][], body: string) =>
    screenPayment(makeEvent({ method: 'POST', resource: '/payments', path: '/payments', headers, body }));

  it('lets a JSON payment through to the idempotency layer', () => {
    expect(post([['Content-Type', 'application/json']], '{"amount":1}')).toBeUndefined();
  });

  it('answers a non-JSON body 415, an oversized one 413 and a nesting bomb 400, before any claim', () => {
    expect(post([['Content-Type', 'text/plain']], '{}')?.statusCode).toBe(415);
    expect(post([], '{}')?.statusCode).toBe(415);
    expect(post([['Content-Type', 'application/json']], `{"a":"${'x'.repeat(5_000)}"}`)?.statusCode).toBe(413);
    expect(post([['Content-Type', 'application/json']], '['.repeat(9) + ']'.repeat(9))?.statusCode).toBe(400);
  });

  it('leaves every other route alone', () => {
    expect(
      screenPayment(makeEvent({ method: 'GET', resource: '/payments', path: '/payments', headers: [['Content-Type', 'text/plain']] })),
    ).toBeUndefined();
  });
});
