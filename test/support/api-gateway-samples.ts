import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiGatewayEvent } from '../../lib/idempotency';

const FIXTURES = join(__dirname, 'fixtures', 'api-gateway');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixtures are free-form JSON

/** How a sample's caller is told apart: where the identity sits in that shape of event, set to `name`. */
type Identify = (event: Json, name: string) => void;

/** One of AWS's published event shapes (see fixtures/api-gateway/SOURCES.md). */
export interface Sample {
  /** The fixture file, without `.json`. */
  readonly file: string;
  readonly title: string;
  /** The principal `principalOf` reads from the fixture as published. */
  readonly principal: string | undefined;
  /** What `resolvePrincipal` makes of it. */
  readonly resolution: 'principal' | 'anonymous' | 'unresolved';
  /** Makes the event another caller's: only the fields that identify a caller change. */
  readonly identify: Identify;
}

const restIdentity = (event: Json) => event.requestContext.identity as Json;
const v2Iam = (event: Json) => event.requestContext.authorizer.iam as Json;

/** Every published shape, with its principal as published and how two callers differ in it. */
export const SAMPLES: readonly Sample[] = [
  {
    file: 'rest-cognito-user-pool',
    title: 'REST, Cognito user pool authorizer',
    principal: 'sub:https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_y0bLG4i27#d2f50444-0041-7036-aea2-a955fca33d37',
    resolution: 'principal',
    identify: (event, name) => {
      event.requestContext.authorizer.claims.sub = `${name}-0041-7036-aea2-a955fca33d37`;
      event.requestContext.authorizer.claims['cognito:username'] = name;
    },
  },
  {
    file: 'rest-lambda-token',
    title: 'REST, Lambda TOKEN authorizer',
    principal: 'principal:user',
    resolution: 'principal',
    identify: (event, name) => void (event.requestContext.authorizer.principalId = name),
  },
  {
    file: 'rest-lambda-request',
    title: 'REST, Lambda REQUEST authorizer with context',
    principal: 'principal:fake',
    resolution: 'principal',
    identify: (event, name) => {
      event.requestContext.authorizer.principalId = name;
      event.requestContext.authorizer.user_id = `${name}_username`;
    },
  },
  {
    file: 'rest-iam',
    title: 'REST, IAM (a role session)',
    principal: 'iam:arn:aws:sts::123456789012:assumed-role/Admin/aamorosi',
    resolution: 'principal',
    identify: (event, name) => {
      // An IAM user rather than a role session: the other caller is another user of the account.
      Object.assign(restIdentity(event), {
        userArn: `arn:aws:iam::123456789012:user/${name}`,
        caller: `AIDA${name.toUpperCase()}`,
        user: `AIDA${name.toUpperCase()}`,
      });
    },
  },
  {
    file: 'rest-iam-cognito-identity-pool',
    title: 'REST, IAM through a Cognito identity pool',
    principal: 'cognito-identity:eu-west-1:4f291106-8703-466b-8f2b-3ecee1ca56ce#eu-west-1:3f291106-8703-466b-8f2b-3ecee1ca56ce',
    resolution: 'principal',
    // Same pool, same role, same role ARN: only the identity id differs.
    identify: (event, name) => void (restIdentity(event).cognitoIdentityId = `eu-west-1:${name}-8703-466b-8f2b-3ecee1ca56ce`),
  },
  {
    file: 'rest-api-key',
    title: 'REST, API key',
    principal: 'api-key:a1b2c3d4e5',
    resolution: 'principal',
    identify: (event, name) => {
      const key = `${name}-key-value-0123456789abcdefghij`;
      Object.assign(restIdentity(event), { apiKey: key, apiKeyId: `${name}-id` });
      event.headers['x-api-key'] = key;
      event.multiValueHeaders['x-api-key'] = [key];
    },
  },
  {
    file: 'rest-mtls',
    title: 'REST, mutual TLS only (AWS’s own example)',
    principal: 'mtls:Example issuer#a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1',
    resolution: 'principal',
    identify: (event, name) => {
      const cert = restIdentity(event).clientCert;
      cert.serialNumber = Buffer.from(name).toString('hex');
      cert.subjectDN = `${name}.example.com`;
    },
  },
  {
    file: 'rest-console-test',
    title: 'REST, the console test event (null headers)',
    principal: 'iam:arn:aws:sts::123456789012:assumed-role/Admin/aamorosi',
    resolution: 'principal',
    identify: (event, name) => {
      Object.assign(restIdentity(event), {
        userArn: `arn:aws:sts::123456789012:assumed-role/Admin/${name}`,
        caller: `ABCAXZWZ5ZDPNIH6C6ODK:${name}`,
        user: `ABCAXZWZ5ZDPNIH6C6ODK:${name}`,
      });
    },
  },
  {
    file: 'rest-none',
    title: 'REST, no authorization',
    principal: undefined,
    resolution: 'anonymous',
    identify: (event, name) => void (restIdentity(event).sourceIp = name === 'alice' ? '15.248.3.126' : '198.51.100.7'),
  },
  {
    file: 'http-jwt',
    title: 'HTTP API, JWT authorizer (Cognito ID token)',
    principal: 'sub:https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_y0bLG4i27#d2f50444-0041-7036-aea2-a955fca33d37',
    resolution: 'principal',
    identify: (event, name) => {
      const claims = event.requestContext.authorizer.jwt.claims;
      claims.sub = `${name}-0041-7036-aea2-a955fca33d37`;
      claims['cognito:username'] = name;
    },
  },
  {
    file: 'http-jwt-client-credentials',
    title: 'HTTP API, JWT authorizer, machine-to-machine token without sub',
    principal: 'client:https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_y0bLG4i27#3nkoep4151b7umeggnottc30u9',
    resolution: 'principal',
    identify: (event, name) => void (event.requestContext.authorizer.jwt.claims.client_id = `${name}4151b7umeggnottc30u9`),
  },
  {
    file: 'http-jwt-without-sub',
    title: 'HTTP API, JWT authorizer, claims without sub or client_id',
    principal: undefined,
    resolution: 'unresolved',
    identify: (event, name) => void (event.requestContext.authorizer.jwt.claims.claim1 = name),
  },
  {
    file: 'http-jwt-without-sub-mtls',
    title: 'HTTP API, mutual TLS (with a JWT that names no one; AWS’s own example)',
    principal: 'mtls:Example issuer#a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1',
    resolution: 'principal',
    identify: (event, name) => {
      const cert = event.requestContext.authentication.clientCert;
      cert.serialNumber = Buffer.from(name).toString('hex');
      cert.subjectDN = `${name}.example.com`;
    },
  },
  {
    file: 'http-jwt-without-sub-mtls-pem-only',
    title: 'HTTP API, mutual TLS with the certificate as PEM only',
    // The certificate's SHA-256 fingerprint, as `openssl x509 -noout -fingerprint -sha256` prints it.
    principal: `mtls-sha256:${'A2:E7:3C:36:8C:E7:EE:34:BD:5A:DC:EA:4E:8A:66:3F:88:39:7D:C8:62:9E:A4:2B:41:33:F4:E5:1A:5F:BD:EA'.replaceAll(':', '').toLowerCase()}`,
    resolution: 'principal',
    identify: (event, name) => {
      const cert = event.requestContext.authentication.clientCert;
      // Another certificate: the same PEM with other bytes inside its base64 body.
      cert.clientCertPem = cert.clientCertPem.replace(
        'MIIB3zCCAYWgAwIBAgIU',
        `MIIB3zCCAYWgAwIBAgIU${Buffer.from(name.padEnd(6, '_').slice(0, 6)).toString('base64')}`,
      );
    },
  },
  {
    file: 'http-iam',
    title: 'HTTP API, IAM',
    principal: 'iam:arn:aws:sts::123456789012:assumed-role/Admin/aamorosi',
    resolution: 'principal',
    identify: (event, name) =>
      Object.assign(v2Iam(event), {
        userArn: `arn:aws:iam::123456789012:user/${name}`,
        userId: `AIDA${name.toUpperCase()}`,
        callerId: `AIDA${name.toUpperCase()}`,
      }),
  },
  {
    file: 'http-iam-cognito-identity-pool',
    title: 'HTTP API, IAM through a Cognito identity pool',
    principal: 'cognito-identity:us-east-1:4f291106-8703-466b-8f2b-3ecee1ca56ce#us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce',
    resolution: 'principal',
    identify: (event, name) => void (v2Iam(event).cognitoIdentity.identityId = `us-east-1:${name}-8703-466b-8f2b-3ecee1ca56ce`),
  },
  {
    file: 'http-lambda-simple-null-context',
    title: 'HTTP API, Lambda authorizer, simple response without context',
    principal: undefined,
    resolution: 'unresolved',
    identify: () => undefined, // nothing in the event tells the callers apart
  },
  {
    file: 'http-lambda-simple-context',
    title: 'HTTP API, Lambda authorizer, simple response with a context',
    principal: undefined,
    resolution: 'unresolved',
    identify: (event, name) => void (event.requestContext.authorizer.lambda.key = name),
  },
  {
    file: 'http-lambda-iam-policy',
    title: 'HTTP API, Lambda authorizer, IAM policy response',
    principal: 'principal:abcdef',
    resolution: 'principal',
    identify: (event, name) => void (event.requestContext.authorizer.principalId = name),
  },
  {
    file: 'function-url-iam',
    title: 'Function URL, IAM',
    principal: 'iam:arn:aws:iam::111122223333:user/example-user',
    resolution: 'principal',
    identify: (event, name) =>
      Object.assign(v2Iam(event), { userArn: `arn:aws:iam::111122223333:user/${name}`, userId: `AIDA${name.toUpperCase()}` }),
  },
  {
    file: 'function-url-none',
    title: 'Function URL, no authorization',
    principal: undefined,
    resolution: 'anonymous',
    identify: (event, name) => void (event.requestContext.http.sourceIp = name === 'alice' ? '123.123.123.123' : '198.51.100.7'),
  },
];

/** The fixture as published (a fresh copy). */
export function loadSample(file: string): ApiGatewayEvent {
  return JSON.parse(readFileSync(join(FIXTURES, `${file}.json`), 'utf8')) as ApiGatewayEvent;
}

/** A request to make of a sample. */
export interface SampleRequest {
  readonly caller?: string;
  readonly key?: string;
  readonly body?: string;
  readonly contentType?: string;
  /** @default 'POST' */
  readonly method?: string;
}

/**
 * The sample as `caller` sends `body` with `Idempotency-Key: key`: headers added the way that payload
 * version carries them (REST: `headers` and `multiValueHeaders`, even where the sample had them null;
 * 2.0: lower-case `headers`), the method set where the version keeps it. Nothing else changes.
 */
export function sampleRequest(sample: Sample, request: SampleRequest = {}): ApiGatewayEvent {
  const event = loadSample(sample.file) as Json;
  if (request.caller !== undefined) sample.identify(event, request.caller);
  const method = request.method ?? 'POST';
  const headers: [string, string][] = [['Content-Type', request.contentType ?? 'application/json']];
  if (request.key !== undefined) headers.push(['Idempotency-Key', request.key]);
  if (event.version === '2.0') {
    event.requestContext.http.method = method;
    if (event.routeKey && event.routeKey !== '$default') event.routeKey = event.routeKey.replace(/^\S+/, method);
    event.headers = { ...event.headers, ...Object.fromEntries(headers.map(([name, value]) => [name.toLowerCase(), value])) };
  } else {
    event.httpMethod = method;
    event.requestContext.httpMethod = method;
    event.headers = { ...event.headers, ...Object.fromEntries(headers) };
    if (event.multiValueHeaders)
      event.multiValueHeaders = { ...event.multiValueHeaders, ...Object.fromEntries(headers.map(([name, value]) => [name, [value]])) };
  }
  event.body = request.body ?? null;
  event.isBase64Encoded = false;
  return event as ApiGatewayEvent;
}
