import type { ApiGatewayEvent } from './http-event';

type Claims = Record<string, unknown> | undefined;

/**
 * The authenticated caller of an API Gateway event, as a string prefixed by where it came from, or
 * `undefined` for an unauthenticated request. Checked in order:
 * JWT or Cognito `sub` (with its issuer), a Lambda authorizer's `principalId`, the IAM user ARN,
 * the API key id.
 */
export function principalOf(event: ApiGatewayEvent): string | undefined {
  const context = event.requestContext as unknown as {
    authorizer?: {
      jwt?: { claims?: Claims };
      claims?: Claims;
      principalId?: unknown;
      lambda?: { principalId?: unknown };
      iam?: { userArn?: unknown };
    };
    identity?: { userArn?: unknown; apiKeyId?: unknown; cognitoIdentityId?: unknown };
  };
  const authorizer = context.authorizer;
  const claims = authorizer?.jwt?.claims ?? authorizer?.claims;
  if (typeof claims?.sub === 'string' && claims.sub) {
    return typeof claims.iss === 'string' ? `sub:${claims.iss}#${claims.sub}` : `sub:${claims.sub}`;
  }
  const principalId = authorizer?.principalId ?? authorizer?.lambda?.principalId;
  if (typeof principalId === 'string' && principalId) return `principal:${principalId}`;
  const userArn = authorizer?.iam?.userArn ?? context.identity?.userArn;
  if (typeof userArn === 'string' && userArn) return `iam:${userArn}`;
  const apiKeyId = context.identity?.apiKeyId;
  if (typeof apiKeyId === 'string' && apiKeyId) return `api-key:${apiKeyId}`;
  return undefined;
}
