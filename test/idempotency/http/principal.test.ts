import type { ApiGatewayEvent } from '../../../lib/idempotency';
import { principalOf } from '../../../lib/idempotency';
import { resolvePrincipal } from '../../../lib/idempotency/http/principal';
import { functionUrlEvent, httpEvent, restEvent } from '../../support/api-gateway-fixtures';
import { SAMPLES, loadSample, sampleRequest } from '../../support/api-gateway-samples';

function withRequestContext(event: ApiGatewayEvent, patch: Record<string, unknown>): ApiGatewayEvent {
  return { ...event, requestContext: { ...event.requestContext, ...patch } } as ApiGatewayEvent;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A sample with its request context edited in place. */
function edited(file: string, edit: (context: Json) => void): ApiGatewayEvent {
  const event = loadSample(file) as unknown as Json;
  edit(event.requestContext);
  return event as unknown as ApiGatewayEvent;
}

describe('principalOf on the event shapes AWS publishes', () => {
  it.each(SAMPLES.map((sample) => [sample.title, sample] as const))('%s', (_title, sample) => {
    const event = loadSample(sample.file);
    expect(principalOf(event)).toBe(sample.principal);
    expect(resolvePrincipal(event).kind).toBe(sample.resolution);
    // Another caller of the same kind is another principal (or, with nothing to tell them apart, none).
    const other = principalOf(sampleRequest(sample, { caller: 'bob' }));
    if (sample.principal === undefined) expect(other).toBeUndefined();
    else expect(other).not.toBe(sample.principal);
  });
});

describe('the order principals are read in', () => {
  it('reads the identity pool identity ahead of the role ARN that every user of the pool shares', () => {
    const rest = loadSample('rest-iam-cognito-identity-pool');
    const http = loadSample('http-iam-cognito-identity-pool');
    expect(principalOf(rest)).toMatch(/^cognito-identity:/);
    expect(principalOf(http)).toMatch(/^cognito-identity:/);
    // One role session ARN for both users of the pool, two identities: two principals.
    const roleArn = (event: ApiGatewayEvent) => JSON.stringify(event.requestContext).match(/arn:aws:sts::\d+:assumed-role\/[^"]+/)?.[0];
    for (const sample of SAMPLES.filter((candidate) => candidate.file.includes('identity-pool'))) {
      const alice = sampleRequest(sample, { caller: 'alice' });
      const bob = sampleRequest(sample, { caller: 'bob' });
      expect(roleArn(alice)).toMatch(/\/CognitoIdentityCredentials$/);
      expect(roleArn(bob)).toBe(roleArn(alice));
      expect(principalOf(alice)).not.toBe(principalOf(bob));
    }
  });

  it('qualifies the identity id by its pool', () => {
    const other = edited(
      'rest-iam-cognito-identity-pool',
      (context) => (context.identity.cognitoIdentityPoolId = 'eu-west-1:00000000-0000-0000-0000-000000000000'),
    );
    expect(principalOf(other)).not.toBe(principalOf(loadSample('rest-iam-cognito-identity-pool')));
  });

  it('reads sub ahead of client_id, and client_id only from a token without sub', () => {
    const both = edited('http-jwt-client-credentials', (context) => (context.authorizer.jwt.claims.sub = 'user-1'));
    expect(principalOf(both)).toBe('sub:https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_y0bLG4i27#user-1');
  });

  it('reads a Lambda authorizer principalId where REST puts it, and where an HTTP API context carries one', () => {
    expect(principalOf(withRequestContext(restEvent(), { authorizer: { principalId: 'user|42' } }))).toBe('principal:user|42');
    const inContext = edited('http-lambda-simple-context', (context) => (context.authorizer.lambda.principalId = 'user|43'));
    expect(principalOf(inContext)).toBe('principal:user|43');
  });

  it('reads an authorizer principal ahead of the client certificate, and the certificate ahead of the API key', () => {
    const jwtAndCert = edited('http-jwt-without-sub-mtls', (context) => (context.authorizer.jwt.claims.sub = 'user-1'));
    expect(principalOf(jwtAndCert)).toBe('sub:user-1');
    const certAndKey = edited('rest-mtls', (context) => (context.identity.apiKeyId = 'key-1'));
    expect(principalOf(certAndKey)).toMatch(/^mtls:/);
    const keyOnly = edited('rest-mtls', (context) => {
      context.identity.clientCert = null;
      context.identity.apiKeyId = 'key-1';
    });
    expect(principalOf(keyOnly)).toBe('api-key:key-1');
  });

  it('ignores the empty principalId an HTTP API JWT authorizer leaves beside its claims', () => {
    expect(principalOf(httpEvent({ principal: 'u-1' }))).toBe('sub:http://localhost/local-authorizer#u-1');
  });

  it('reads the IAM caller of a Function URL and of a REST API with IAM auth', () => {
    expect(principalOf(functionUrlEvent({ principal: 'carol' }))).toBe('iam:arn:aws:iam::123456789012:user/carol');
    const identity = { ...restEvent().requestContext.identity, userArn: 'arn:aws:iam::1:user/dan' };
    expect(principalOf(withRequestContext(restEvent(), { authorizer: null, identity }))).toBe('iam:arn:aws:iam::1:user/dan');
  });
});

describe('resolvePrincipal', () => {
  it('is anonymous where no authorizer ran, including REST’s `authorizer: { claims: null, scopes: null }`', () => {
    expect(resolvePrincipal(loadSample('rest-none'))).toEqual({ kind: 'anonymous' });
    expect(resolvePrincipal(loadSample('function-url-none'))).toEqual({ kind: 'anonymous' });
    const docsExampleWithoutCertificate = edited('rest-mtls', (context) => (context.identity.clientCert = null));
    expect(resolvePrincipal(docsExampleWithoutCertificate)).toEqual({ kind: 'anonymous' });
    expect(resolvePrincipal(withRequestContext(httpEvent(), { authorizer: undefined }))).toEqual({ kind: 'anonymous' });
  });

  it.each([
    ['an HTTP API Lambda authorizer with a null context', loadSample('http-lambda-simple-null-context'), 'Lambda authorizer'],
    ['an HTTP API Lambda authorizer with a context and no principalId', loadSample('http-lambda-simple-context'), 'Lambda authorizer'],
    ['a JWT with neither sub nor client_id', loadSample('http-jwt-without-sub'), 'JWT authorizer'],
    [
      'a REST Lambda authorizer with an empty principalId',
      edited('rest-lambda-token', (context) => (context.authorizer.principalId = '')),
      'Lambda authorizer',
    ],
    [
      'a REST Cognito authorizer without sub',
      edited('rest-cognito-user-pool', (context) => delete context.authorizer.claims.sub),
      'Cognito user pool authorizer',
    ],
    ['IAM without a caller ARN', edited('http-iam', (context) => delete context.authorizer.iam.userArn), 'IAM authorization'],
    [
      'a REST identity pool caller without an identity id',
      edited('rest-iam-cognito-identity-pool', (context) => {
        context.identity.cognitoIdentityId = null;
        context.identity.userArn = null;
      }),
      'Cognito identity pool',
    ],
  ])('is unresolved for %s', (_name, event, authorizer) => {
    expect(resolvePrincipal(event)).toEqual({ kind: 'unresolved', authorizer });
    expect(principalOf(event)).toBeUndefined();
  });
});
