import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { httpApiEvent, restApiEvent, type LocalRequest } from '../../lib/local/api-events';

/** A request to turn into an event of each payload version. */
export interface FixtureRequest {
  method?: string;
  resource?: string;
  path?: string;
  pathParameters?: Record<string, string> | null;
  query?: string;
  headers?: [string, string][];
  body?: string | Buffer;
  principal?: string;
}

function localRequest(request: FixtureRequest): LocalRequest {
  return {
    method: request.method ?? 'POST',
    path: request.path ?? '/payments',
    rawQuery: request.query ?? '',
    headers: request.headers ?? [],
    body: Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body ?? ''),
    sourceIp: '203.0.113.7',
    principal: request.principal ?? 'alice',
  };
}

function route(request: FixtureRequest) {
  return { method: request.method ?? 'POST', resource: request.resource ?? '/payments', pathParameters: request.pathParameters ?? null };
}

/** A REST API (payload 1.0) event with a Cognito authorizer. */
export function restEvent(request: FixtureRequest = {}): APIGatewayProxyEvent {
  return restApiEvent(localRequest(request), route(request));
}

/** An HTTP API (payload 2.0) event with a JWT authorizer. */
export function httpEvent(request: FixtureRequest = {}): APIGatewayProxyEventV2 {
  return httpApiEvent(localRequest(request), route(request));
}

/** A Lambda Function URL event with IAM auth: payload 2.0, route `$default`, the caller in `authorizer.iam`. */
export function functionUrlEvent(request: FixtureRequest = {}): APIGatewayProxyEventV2 {
  const event = httpEvent({ ...request, pathParameters: null });
  const { authorizer: _jwt, ...requestContext } = event.requestContext as typeof event.requestContext & { authorizer?: unknown };
  return {
    ...event,
    routeKey: '$default',
    requestContext: {
      ...requestContext,
      routeKey: '$default',
      stage: '$default',
      domainPrefix: 'abcdefghij',
      domainName: 'abcdefghij.lambda-url.us-east-1.on.aws',
      authorizer: {
        iam: {
          accessKey: 'AKIA0000EXAMPLE',
          accountId: '123456789012',
          callerId: 'AIDA0000EXAMPLE',
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: `arn:aws:iam::123456789012:user/${request.principal ?? 'alice'}`,
          userId: 'AIDA0000EXAMPLE',
        },
      },
    } as APIGatewayProxyEventV2['requestContext'],
  };
}

/** The three event makers, for `describe.each`. */
export const EVENT_SHAPES = [
  ['REST API (1.0)', restEvent],
  ['HTTP API (2.0)', httpEvent],
  ['Function URL', functionUrlEvent],
] as const;
