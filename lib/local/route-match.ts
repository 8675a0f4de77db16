import type { MatchedRoute } from './api-events';

/** A route the local API serves, with `{name}` path parameters: `GET /payments/{id}`. */
export interface RouteSpec {
  readonly method: string;
  readonly resource: string;
}

/** A route and its decoded parameters; no route; or a path parameter whose percent-encoding is malformed. */
export type RouteMatch =
  | { readonly kind: 'matched'; readonly route: MatchedRoute }
  | { readonly kind: 'none' }
  | { readonly kind: 'malformed'; readonly parameter: string };

/**
 * Matches `/payments/pay_1` to `/payments/{id}`, capturing `id` percent-decoded, as API Gateway passes
 * path parameters. Only the method and path decide: an unknown path or method matches nothing.
 */
export function matchRoute(routes: readonly RouteSpec[], method: string, path: string): RouteMatch {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const template = route.resource.split('/');
    if (template.length !== segments.length) continue;
    const parameters: Record<string, string> = {};
    let malformed: string | undefined;
    const matches = template.every((part, i) => {
      const segment = segments[i]!;
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!name) return part === segment;
      if (segment === '') return false;
      try {
        parameters[name] = decodeURIComponent(segment);
      } catch {
        malformed = name; // `%`, `%E0%A4%A`: not percent-encoding of UTF-8
      }
      return true;
    });
    if (!matches) continue;
    if (malformed) return { kind: 'malformed', parameter: malformed };
    return {
      kind: 'matched',
      route: { method, resource: route.resource, pathParameters: Object.keys(parameters).length > 0 ? parameters : null },
    };
  }
  return { kind: 'none' };
}
