/** A request target split into its raw path and raw query, or why it cannot be routed. */
export type RequestTarget = { readonly ok: true; readonly path: string; readonly rawQuery: string } | { readonly ok: false };

/**
 * Splits `req.url` without resolving it against a base: `new URL('//evil.example/payments', base)`
 * reads `evil.example` as a host and routes `/payments`, whereas for API Gateway the path is
 * `//evil.example/payments`, which matches no route. The absolute form (`http://host/path`, RFC 9112
 * §3.2.2) is accepted, as servers must; `*` and the authority form are not routable.
 */
export function parseRequestTarget(url: string | undefined): RequestTarget {
  if (url === undefined) return { ok: false };
  let target = url;
  if (/^https?:\/\//i.test(target)) {
    const afterAuthority = target.indexOf('/', target.indexOf('//') + 2);
    target = afterAuthority === -1 ? '/' : target.slice(afterAuthority);
  }
  if (!target.startsWith('/')) return { ok: false };
  const hash = target.indexOf('#');
  if (hash !== -1) target = target.slice(0, hash);
  const question = target.indexOf('?');
  return question === -1
    ? { ok: true, path: target, rawQuery: '' }
    : { ok: true, path: target.slice(0, question), rawQuery: target.slice(question + 1) };
}
