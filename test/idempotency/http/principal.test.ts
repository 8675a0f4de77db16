import type { ApiGatewayEvent } from '../../../lib/idempotency';
import { principalOf } from '../../../lib/idempotency';
import { functionUrlEvent, httpEvent, restEvent } from '../../support/api-gateway-fixtures';

function withRequestContext(event: ApiGatewayEvent, patch: Record<string, unknown>): ApiGatewayEvent {
  return { ...event, requestContext: { ...event.requestContext, ...patch } } as ApiGatewayEvent;
}

describe('principalOf', () => {
  it('reads the HTTP API JWT sub with its issuer, and the REST Cognito sub', () => {
    expect(principalOf(httpEvent({ principal: 'u-1' }))).toBe('sub:http://localhost/local-authorizer#u-1');
    expect(principalOf(restEvent({ principal: 'u-2' }))).toBe('sub:http://localhost/local-authorizer#u-2');
  });

  it('reads a Lambda authorizer principalId (REST) and its context (HTTP API)', () => {
    expect(principalOf(withRequestContext(restEvent(), { authorizer: { principalId: 'user|42' } }))).toBe('principal:user|42');
    expect(principalOf(withRequestContext(httpEvent(), { authorizer: { lambda: { principalId: 'user|43' } } }))).toBe('principal:user|43');
  });

  it('reads the IAM user ARN of a Function URL or a REST API with IAM auth, and the API key id', () => {
    expect(principalOf(functionUrlEvent({ principal: 'carol' }))).toBe('iam:arn:aws:iam::123456789012:user/carol');
    const rest = restEvent();
    const identity = { ...rest.requestContext.identity };
    expect(principalOf(withRequestContext(rest, { authorizer: null, identity: { ...identity, userArn: 'arn:aws:iam::1:user/dan' } }))).toBe('iam:arn:aws:iam::1:user/dan');
    expect(principalOf(withRequestContext(rest, { authorizer: null, identity: { ...identity, apiKeyId: 'key-7' } }))).toBe('api-key:key-7');
  });

  it('is undefined for an unauthenticated request', () => {
    expect(principalOf(withRequestContext(restEvent(), { authorizer: null }))).toBeUndefined();
    expect(principalOf(withRequestContext(httpEvent(), { authorizer: undefined }))).toBeUndefined();
  });
});
