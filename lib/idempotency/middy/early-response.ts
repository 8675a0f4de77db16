/**
 * What a `before` middleware returns to end a middy chain early with `response`: the rest of the
 * `before` middlewares, the handler and every `after` middleware are skipped, in middy 4 to 7.
 *
 * A value other than `undefined` is simply returned: every major ends the chain with it.
 *
 * `undefined` is the hard case. middy 6 and 7 end the chain when the request has an own
 * `earlyResponse` property, whatever its value; middy 4 and 5 only when `before` returns something
 * other than `undefined`, so they cannot end early with `undefined` at all. Returning `null` stops
 * all four; the `earlyResponse` accessor makes 6 and 7 answer `undefined` all the same, because they
 * store the returned value through it (the setter drops it) and then read it back (the getter says
 * `undefined`). So middy 6 and 7 replay `undefined` exactly, and 4 and 5 replay `null`, which is
 * what the Lambda runtime sends for `undefined` anyway. The handler never runs twice.
 */
export function endEarly(request: object, response: unknown): unknown {
  if (response !== undefined) return response;
  Object.defineProperty(request, 'earlyResponse', {
    get: () => undefined,
    set: () => undefined,
    enumerable: true,
    configurable: true, // middy 7 deletes it when an error follows
  });
  return null;
}
