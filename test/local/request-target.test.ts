import { parseRequestTarget } from '../../lib/local/request-target';

describe('parseRequestTarget', () => {
  it.each([
    ['/payments', '/payments', ''],
    ['/payments?limit=2&x', '/payments', 'limit=2&x'],
    ['//evil.example/payments', '//evil.example/payments', ''],
    ['//evil.example/payments?a=b', '//evil.example/payments', 'a=b'],
    ['http://evil.example/payments?a=b', '/payments', 'a=b'],
    ['HTTPS://host', '/', ''],
    ['/payments#fragment', '/payments', ''],
  ])('reads %j as path %j and query %j', (url, path, rawQuery) => {
    expect(parseRequestTarget(url)).toEqual({ ok: true, path, rawQuery });
  });

  it.each(['*', 'localhost:3000', 'payments', '', undefined])('refuses %j', (url) => {
    expect(parseRequestTarget(url)).toEqual({ ok: false });
  });
});
