import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

/**
 * Just enough of two AWS APIs, on 127.0.0.1, for the real SDK v3 clients to talk to: Cognito
 * Identity Provider (JSON 1.1, `X-Amz-Target`) and CloudFormation `DescribeStacks` (the query
 * protocol, answered in XML). Shapes follow each API reference's request and response syntax
 * (Cognito: AdminCreateUser, AdminSetUserPassword, InitiateAuth, AdminDeleteUser; CloudFormation:
 * DescribeStacks and its ValidationError); nothing here contacts AWS.
 */

/** One call as the fake received it. */
export interface FakeCall {
  readonly service: 'cognito' | 'cloudformation';
  readonly operation: string;
  readonly input: Record<string, unknown>;
  /** Whether the SDK signed the request (SigV4), as it does with any credentials. */
  readonly signed: boolean;
}

/** A stack as `DescribeStacks` reports it. */
export interface FakeStack {
  readonly status?: string;
  readonly outputs?: Record<string, string>;
}

/** An AWS error the fake answers with, as `{ status, type, message }`. */
export interface FakeError {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

export interface FakeAwsOptions {
  /** Stacks by name. A name not here answers ValidationError "does not exist". */
  readonly stacks?: Record<string, FakeStack>;
  /** The user pool and app client Cognito knows. @default eu-west-1_fake / fakeclient */
  readonly userPoolId?: string;
  readonly clientId?: string;
  /** Answers an error instead, for a Cognito or CloudFormation operation (`AdminDeleteUser`, `DescribeStacks`). */
  readonly failures?: Record<string, FakeError>;
}

/** A running fake, with what it saw and the users it still holds. */
export interface FakeAws {
  readonly url: string;
  readonly calls: FakeCall[];
  /** Users that exist now, by name. */
  readonly users: Map<string, { password?: string; sub: string }>;
  /** Calls of one operation. */
  callsOf(operation: string): FakeCall[];
  /** SDK clients pointed at the fake, with static fake credentials. */
  cloudFormation(): CloudFormationClient;
  cognito(): CognitoIdentityProviderClient;
  close(): Promise<void>;
}

// The stack's password policy (lib/infra/payment-user-pool.ts): 14 characters and every class.
function meetsPolicy(password: string): boolean {
  return password.length >= 14 && /[a-z]/.test(password) && /[A-Z]/.test(password) && /\d/.test(password) && /[^A-Za-z0-9]/.test(password);
}

const CFN_NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const userPoolId = options.userPoolId ?? 'eu-west-1_fake';
  const clientId = options.clientId ?? 'fakeclient';
  const calls: FakeCall[] = [];
  const users = new Map<string, { password?: string; sub: string }>();
  const clients: { destroy(): void }[] = [];

  function cognito(operation: string, input: Record<string, unknown>): { status: number; body: unknown } {
    const error = (status: number, type: string, message: string) => ({ status, body: { __type: type, message } });
    const failure = options.failures?.[operation];
    if (failure) return error(failure.status, failure.type, failure.message);
    if (operation !== 'InitiateAuth' && input.UserPoolId !== userPoolId)
      return error(400, 'ResourceNotFoundException', `User pool ${String(input.UserPoolId)} does not exist.`);
    const username = String(input.Username ?? '');
    switch (operation) {
      case 'AdminCreateUser': {
        if (users.has(username)) return error(400, 'UsernameExistsException', 'User account already exists');
        const sub = randomUUID();
        users.set(username, { sub });
        return {
          status: 200,
          body: {
            User: { Username: username, UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true, Attributes: [{ Name: 'sub', Value: sub }] },
          },
        };
      }
      case 'AdminSetUserPassword': {
        const user = users.get(username);
        if (!user) return error(400, 'UserNotFoundException', 'User does not exist.');
        if (!meetsPolicy(String(input.Password))) return error(400, 'InvalidPasswordException', 'Password does not conform to policy');
        user.password = String(input.Password);
        return { status: 200, body: {} };
      }
      case 'InitiateAuth': {
        if (input.ClientId !== clientId) return error(400, 'ResourceNotFoundException', 'User pool client does not exist.');
        if (input.AuthFlow !== 'USER_PASSWORD_AUTH')
          return error(400, 'InvalidParameterException', 'Auth flow not enabled for this client');
        const parameters = input.AuthParameters as Record<string, string>;
        const user = users.get(parameters.USERNAME ?? '');
        if (!user?.password || user.password !== parameters.PASSWORD)
          return error(400, 'NotAuthorizedException', 'Incorrect username or password.');
        // Opaque tokens: the local API's stand-in takes the bearer token as the principal, so the
        // access token is the user's sub. The ID token is another string of the same user.
        return {
          status: 200,
          body: {
            AuthenticationResult: { AccessToken: user.sub, IdToken: `id-token-of-${user.sub}`, TokenType: 'Bearer', ExpiresIn: 3600 },
          },
        };
      }
      case 'AdminDeleteUser':
        if (!users.delete(username)) return error(400, 'UserNotFoundException', 'User does not exist.');
        return { status: 200, body: {} };
      default:
        return error(400, 'UnknownOperationException', operation);
    }
  }

  function cloudFormation(operation: string, input: Record<string, unknown>): { status: number; body: string } {
    const errorXml = (status: number, code: string, message: string) => ({
      status,
      body: `<ErrorResponse xmlns="${CFN_NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    });
    const failure = options.failures?.[operation];
    if (failure) return errorXml(failure.status, failure.type, failure.message);
    if (operation !== 'DescribeStacks') return errorXml(400, 'InvalidAction', `${operation} is not faked`);
    const name = String(input.StackName);
    const stack = options.stacks?.[name];
    if (!stack) return errorXml(400, 'ValidationError', `Stack with id ${name} does not exist`);
    const outputs = Object.entries(stack.outputs ?? {})
      .map(([key, value]) => `<member><OutputKey>${xmlEscape(key)}</OutputKey><OutputValue>${xmlEscape(value)}</OutputValue></member>`)
      .join('');
    const member =
      `<member><StackName>${xmlEscape(name)}</StackName><StackId>arn:aws:cloudformation:eu-west-1:000000000000:stack/${xmlEscape(name)}/${randomUUID()}</StackId>` +
      `<CreationTime>2026-12-01T00:00:00.000Z</CreationTime><StackStatus>${stack.status ?? 'CREATE_COMPLETE'}</StackStatus><Outputs>${outputs}</Outputs></member>`;
    return {
      status: 200,
      body: `<DescribeStacksResponse xmlns="${CFN_NS}"><DescribeStacksResult><Stacks>${member}</Stacks></DescribeStacksResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    };
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const signed = /^AWS4-HMAC-SHA256 /.test(req.headers.authorization ?? '');
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && target.startsWith('AWSCognitoIdentityProviderService.')) {
      const operation = target.split('.')[1]!;
      const input = JSON.parse(text || '{}') as Record<string, unknown>;
      calls.push({ service: 'cognito', operation, input, signed });
      const { status, body } = cognito(operation, input);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() }).end(JSON.stringify(body));
      return;
    }
    const input = Object.fromEntries(new URLSearchParams(text)) as Record<string, unknown>;
    const operation = String(input.Action ?? '');
    calls.push({ service: 'cloudformation', operation, input, signed });
    const { status, body } = cloudFormation(operation, input);
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() }).end(body);
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = { region: 'eu-west-1', endpoint: url, credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' }, maxAttempts: 1 };

  return {
    url,
    calls,
    users,
    callsOf: (operation) => calls.filter((call) => call.operation === operation),
    cloudFormation() {
      const client = new CloudFormationClient(config);
      clients.push(client);
      return client;
    },
    cognito() {
      const client = new CognitoIdentityProviderClient(config);
      clients.push(client);
      return client;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
