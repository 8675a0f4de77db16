import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** An event from API Gateway REST (payload 1.0), HTTP API (2.0) or a Lambda Function URL (2.0). */
export type ApiGatewayEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/** What a handler behind API Gateway may return. HTTP API also accepts a bare value (sent as 200 JSON). */
export type ApiGatewayResult = APIGatewayProxyResult | APIGatewayProxyStructuredResultV2 | string | object | undefined;

/** The parts of a request the adapter reads, alike for every payload version. */
export interface HttpRequest {
  readonly method: string;
  /** The route template: REST `resource`, HTTP API `routeKey` without the method, Function URL the path. */
  readonly route: string;
  /** Every value of each header, by lower-case name (HTTP API sends a repeated header as one comma-joined value). */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  /** Every value of each query parameter. */
  readonly query: ReadonlyMap<string, readonly string[]>;
  /** The body as sent, base64 decoded. */
  readonly body: Buffer | undefined;
}

/** True for HTTP API and Function URL events (payload format 2.0). */
export function isV2(event: ApiGatewayEvent): event is APIGatewayProxyEventV2 {
  return (event as { version?: string }).version === '2.0';
}

/** Reads any supported event into one shape. */
export function readRequest(event: ApiGatewayEvent): HttpRequest {
  const body = event.body == null ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (isV2(event)) {
    const routeKey = event.routeKey ?? '$default';
    return {
      method: event.requestContext.http.method.toUpperCase(),
      route: routeKey === '$default' ? event.rawPath : routeKey.replace(/^\S+\s+/, ''),
      headers: collect(event.headers),
      pathParameters: event.pathParameters ?? {},
      query: parseRawQuery(event.rawQueryString ?? ''),
      body,
    };
  }
  const headers =
    event.multiValueHeaders && Object.keys(event.multiValueHeaders).length > 0 ? collect(event.multiValueHeaders) : collect(event.headers);
  const query = collect(event.multiValueQueryStringParameters ?? event.queryStringParameters);
  return {
    method: event.httpMethod.toUpperCase(),
    route: event.resource ?? event.path,
    headers,
    pathParameters: event.pathParameters ?? {},
    query,
    body,
  };
}

/** Every value of each name, by lower-case name: single values (`headers`) and lists (`multiValueHeaders`) alike. */
function collect(fields: Readonly<Record<string, string | readonly string[] | undefined>> | null | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [name, value] of Object.entries(fields ?? {})) {
    const key = name.toLowerCase();
    map.set(key, (map.get(key) ?? []).concat(value ?? []));
  }
  return map;
}

/**
 * Splits a list-valued header (RFC 9110 §5.3: repeated headers and comma-joined ones mean the same) on
 * commas outside quoted strings, so `"a,b"` stays one value while `k1, k2` becomes two.
 */
export function splitCommaJoined(value: string): string[] {
  const values: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (quoted && char === '\\' && i + 1 < value.length) {
      current += char + value[++i];
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === ',' && !quoted) {
      values.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  values.push(current.trim());
  return values;
}

function parseRawQuery(raw: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(raw)) map.set(name, [...(map.get(name) ?? []), value]);
  return map;
}
