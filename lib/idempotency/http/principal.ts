import { createHash } from 'node:crypto';
import type { ApiGatewayEvent } from './http-event';

/**
 * Who called, as far as the event tells: a principal (a string prefixed by where it came from), no
 * authorizer at all, or an authorizer that ran without naming anyone (`authorizer` says which).
 */
export type PrincipalResolution =
  | { readonly kind: 'principal'; readonly principal: string }
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'unresolved'; readonly authorizer: string };

type Fields = Record<string, unknown>;

/**
 * The caller of an API Gateway event (REST, HTTP API, Function URL), read in this order:
 * 1. a Cognito identity pool identity (its pool and identity id): every user of a pool signs with the
 *    same role, so the role's ARN would make them one caller;
 * 2. a JWT or Cognito user pool `sub` (with its issuer);
 * 3. a machine-to-machine JWT's `client_id` (with its issuer), when it has no `sub`;
 * 4. a Lambda authorizer's `principalId`;
 * 5. the IAM caller's ARN;
 * 6. the mutual TLS client certificate (issuer and serial number, else its SHA-256 fingerprint);
 * 7. the API key id.
 * When none is found but an authorizer evidently ran (a JWT, Lambda, IAM or Cognito authorizer), the
 * result is `unresolved`: callers must not then share one key space without anyone deciding so.
 */
export function resolvePrincipal(event: ApiGatewayEvent): PrincipalResolution {
  const context = record(event.requestContext) ?? {};
  const authorizer = record(context.authorizer);
  const identity = record(context.identity);
  const iam = record(authorizer?.iam);
  const claims = record(record(authorizer?.jwt)?.claims) ?? record(authorizer?.claims);
  const lambda = record(authorizer?.lambda);

  const cognitoIdentity = record(iam?.cognitoIdentity);
  const identityId = text(identity?.cognitoIdentityId) ?? text(cognitoIdentity?.identityId);
  if (identityId) {
    const pool = text(identity?.cognitoIdentityPoolId) ?? text(cognitoIdentity?.identityPoolId) ?? '';
    return found(`cognito-identity:${pool}#${identityId}`);
  }
  const issuer = text(claims?.iss);
  const sub = text(claims?.sub);
  if (sub) return found(issuer ? `sub:${issuer}#${sub}` : `sub:${sub}`);
  const clientId = text(claims?.client_id);
  if (clientId) return found(issuer ? `client:${issuer}#${clientId}` : `client:${clientId}`);
  const principalId = text(authorizer?.principalId) ?? text(lambda?.principalId);
  if (principalId) return found(`principal:${principalId}`);
  const userArn = text(iam?.userArn) ?? text(identity?.userArn);
  if (userArn) return found(`iam:${userArn}`);
  const certificate = certificatePrincipal(record(identity?.clientCert) ?? record(record(context.authentication)?.clientCert));
  if (certificate) return found(certificate);
  const apiKeyId = text(identity?.apiKeyId);
  if (apiKeyId) return found(`api-key:${apiKeyId}`);

  const ran = authorizerThatRan(authorizer, identity);
  return ran ? { kind: 'unresolved', authorizer: ran } : { kind: 'anonymous' };
}

/**
 * The authenticated caller of an API Gateway event, in the order of `resolvePrincipal`, or `undefined`
 * when the event names none (no authorizer, or one that gave no principal).
 */
export function principalOf(event: ApiGatewayEvent): string | undefined {
  const resolution = resolvePrincipal(event);
  return resolution.kind === 'principal' ? resolution.principal : undefined;
}

/**
 * Which authorizer evidently ran, from what it leaves in the event. A REST API without one still
 * carries `authorizer: { claims: null, scopes: null }` in AWS's own examples: that counts as none.
 */
function authorizerThatRan(authorizer: Fields | undefined, identity: Fields | undefined): string | undefined {
  if (authorizer) {
    if ('jwt' in authorizer) return 'JWT authorizer';
    if ('lambda' in authorizer) return 'Lambda authorizer';
    if ('iam' in authorizer) return 'IAM authorization';
    if (record(authorizer.claims)) return 'Cognito user pool authorizer';
    if ('principalId' in authorizer) return 'Lambda authorizer';
  }
  if (text(identity?.cognitoAuthenticationType)) return 'Cognito identity pool';
  if (text(identity?.accessKey) || text(identity?.caller)) return 'IAM authorization';
  return undefined;
}

// Issuer and serial number name one certificate (RFC 5280 §4.1.2.2); the fingerprint does too when
// the event carries only the PEM.
function certificatePrincipal(certificate: Fields | undefined): string | undefined {
  if (!certificate) return undefined;
  const issuer = text(certificate.issuerDN);
  const serial = text(certificate.serialNumber);
  if (issuer && serial) return `mtls:${issuer}#${serial}`;
  const pem = text(certificate.clientCertPem);
  if (!pem) return undefined;
  const der = Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''), 'base64');
  return der.length > 0 ? `mtls-sha256:${createHash('sha256').update(der).digest('hex')}` : undefined;
}

function found(principal: string): PrincipalResolution {
  return { kind: 'principal', principal };
}

function record(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
