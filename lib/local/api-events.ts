import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';

/** A request as it reached the local server, before it becomes an API Gateway event. */
export interface LocalRequest {
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  /** Header names as the client spelled them, with every value. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  readonly sourceIp: string;
  /** The caller's principal, from the local authorizer stand-in. */
  readonly principal: string;
}

/** A matched route: its template and the path parameters it captured. */
export interface MatchedRoute {
  readonly method: string;
  readonly resource: string;
  readonly pathParameters: Record<string, string> | null;
}

const TEXT_TYPES = /^(text\/|application\/([\w.+-]+\+)?(json|xml)|application\/x-www-form-urlencoded)/i;
/** The issuer of the local authorizer's tokens: a principal reads `sub:<issuer>#<token>`. */
export const LOCAL_ISSUER = 'http://localhost/local-authorizer';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function encodeBody(request: LocalRequest): { body: string | null; isBase64Encoded: boolean } {
  if (request.body.length === 0) return { body: null, isBase64Encoded: false };
  const contentType = request.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  if (contentType === '' || TEXT_TYPES.test(contentType)) {
    // A text body that is not UTF-8 goes base64, as a binary one does: decoding it would turn its
    // bytes into U+FFFD, and the handler would see another body than the client sent.
    const text = utf8(request.body);
    if (text !== undefined) return { body: text, isBase64Encoded: false };
  }
  return { body: request.body.toString('base64'), isBase64Encoded: true };
}

function utf8(bytes: Buffer): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

function queryValues(rawQuery: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(rawQuery)) values.set(name, [...(values.get(name) ?? []), value]);
  return values;
}

/** An HTTP API (payload 2.0) event with a JWT authorizer, as the deployed stack sends it. */
export function httpApiEvent(request: LocalRequest, route: MatchedRoute, stage = '$default'): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]},${value}`; // HTTP API joins repeats with commas
  }
  const query = queryValues(request.rawQuery);
  const now = new Date();
  const routeKey = `${route.method} ${route.resource}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: request.path,
    rawQueryString: request.rawQuery,
    headers,
    ...(query.size > 0 && { queryStringParameters: Object.fromEntries([...query].map(([k, v]) => [k, v.join(',')])) }),
    ...(route.pathParameters && { pathParameters: route.pathParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage,
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: { sub: request.principal, iss: LOCAL_ISSUER, token_use: 'access' }, scopes: [] },
      },
    },
    ...v2Body(request),
  };
}

// HTTP API leaves `body` out when there is none; REST sets it to null.
function v2Body(request: LocalRequest): { body?: string; isBase64Encoded: boolean } {
  const { body, isBase64Encoded } = encodeBody(request);
  return body === null ? { isBase64Encoded } : { body, isBase64Encoded };
}

/** A REST API (payload 1.0) event with a Cognito user pool authorizer. */
export function restApiEvent(request: LocalRequest, route: MatchedRoute, stage = 'local'): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of request.headers) {
    headers[name] = value; // REST keeps the client's spelling, and the last value of a repeated header
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query = queryValues(request.rawQuery);
  const now = new Date();
  return {
    resource: route.resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query.size > 0 ? Object.fromEntries([...query].map(([k, v]) => [k, v[v.length - 1]!])) : null,
    multiValueQueryStringParameters: query.size > 0 ? Object.fromEntries(query) : null,
    pathParameters: route.pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: { claims: { sub: request.principal, iss: LOCAL_ISSUER, token_use: 'id' } },
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: headers['User-Agent'] ?? headers['user-agent'] ?? null,
        userArn: null,
      },
      path: `/${stage}${request.path}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: route.resource,
      stage,
    },
    ...encodeBody(request),
  };
}
