import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { LEDGER_SORT_KEY, LEDGER_TABLE_NAME_ENV } from '../../lambda/payment/ledger-schema';
import { OPERATION_ENV, TABLE_NAME_ENV } from '../../lib/idempotency/schema';
import { PaymentApiStack } from '../../lib/infra/payment-api-stack';
import { createLedgerTable } from '../../lib/local/tables';
import { freshIdempotencyTable, localEndpoint, scanAll, testClient } from '../support/dynamodb';
import { lambdaContext } from '../support/lambda-context';
import { REPO_ROOT, logicalId, testApp } from './cdk-app';

type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The one test that bundles for real: esbuild's output from the cloud assembly, loaded as
 * Lambda would load it, with the AWS SDK (left out of the bundle, as the runtime provides it)
 * pointed at DynamoDB Local through the environment alone.
 */
describe('the bundled payment function', () => {
  // Under the repository, so the bundle's require('@aws-sdk/...') resolves to node_modules as the runtime's would.
  const cacheDir = join(REPO_ROOT, 'node_modules', '.cache');
  let outdir: string;
  let bundleDir: string;
  let client: DynamoDBClient;
  let ledgerTable: string;
  const savedEnv = { ...process.env };
  let operation: unknown;

  beforeAll(async () => {
    mkdirSync(cacheDir, { recursive: true });
    outdir = mkdtempSync(join(cacheDir, 'payment-bundle-'));
    const app = testApp({ bundle: true, outdir });
    const stack = new PaymentApiStack(app, 'PaymentApi');
    const assembly = app.synth();
    const fn = assembly.getStackByName(stack.stackName).template.Resources[logicalId(stack.payment.function)];
    bundleDir = join(assembly.directory, fn.Metadata['aws:asset:path']);
    operation = fn.Properties.Environment.Variables[OPERATION_ENV]; // as the stack sets it

    client = testClient();
    const idempotencyTable = await freshIdempotencyTable(client, 'bundle-idempotency');
    ledgerTable = `bundle-ledger-${Date.now()}`;
    await createLedgerTable(client, ledgerTable);
    Object.assign(process.env, {
      [TABLE_NAME_ENV]: idempotencyTable,
      [LEDGER_TABLE_NAME_ENV]: ledgerTable,
      [OPERATION_ENV]: operation,
      AWS_ENDPOINT_URL_DYNAMODB: localEndpoint(),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
  });

  afterAll(() => {
    process.env = savedEnv;
    client?.destroy();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it('is a minified index.js with a source map, with the AWS SDK left to the runtime and no CDK inside', () => {
    const code = readFileSync(join(bundleDir, 'index.js'), 'utf8');
    expect(existsSync(join(bundleDir, 'index.js.map'))).toBe(true);
    expect(code).toMatch(/require\("@aws-sdk\/client-dynamodb"\)/);
    expect(code).not.toContain('aws-cdk-lib');
    expect(code.split('\n').length).toBeLessThan(20);
  });

  it('charges once, replays the first response to a retry with the same Idempotency-Key, and lists one payment', async () => {
    const { handler } = require(join(bundleDir, 'index.js')) as { handler: Handler };
    const event = paymentEvent({ key: 'order-1001-attempt', sub: 'user-123', body: { amount: 1000, currency: 'EUR', source: 'tok_visa' } });

    const first = await handler(event, lambdaContext(10_000, 'PaymentFunction'));
    expect(first.statusCode).toBe(201);
    expect(header(first, 'idempotent-replayed')).toBeUndefined();
    expect(JSON.parse(first.body!)).toMatchObject({ amount: 1000, currency: 'EUR', status: 'succeeded' });

    const retry = await handler(
      { ...event, requestContext: { ...event.requestContext, requestId: 'req-2' } },
      lambdaContext(10_000, 'PaymentFunction'),
    );
    expect(retry.statusCode).toBe(201);
    expect(header(retry, 'idempotent-replayed')).toBe('true');
    expect(retry.body).toBe(first.body);

    const charges = (await scanAll(client, ledgerTable)).filter((item) => item[LEDGER_SORT_KEY]?.S === 'CHARGE');
    expect(charges).toHaveLength(1);

    const list = await handler(
      {
        ...event,
        routeKey: 'GET /payments',
        body: undefined,
        headers: { authorization: event.headers.authorization },
        requestContext: { ...event.requestContext, requestId: 'req-3', http: { ...event.requestContext.http, method: 'GET' } },
      },
      lambdaContext(10_000, 'PaymentFunction'),
    );
    expect(list.statusCode).toBe(200);
    expect(JSON.parse(list.body!).data).toEqual([JSON.parse(first.body!)]);
  });
});

function header(response: APIGatewayProxyStructuredResultV2, name: string): string | undefined {
  const entry = Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry === undefined ? undefined : String(entry[1]);
}

/** An HTTP API (payload 2.0) event as API Gateway sends it after the JWT authorizer. */
function paymentEvent(options: { key: string; sub: string; body: unknown }): APIGatewayProxyEventV2WithJWTAuthorizer {
  const body = JSON.stringify(options.body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'POST /payments',
    rawPath: '/payments',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'idempotency-key': options.key,
      authorization: 'Bearer eyJ.test.token',
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: 'POST', path: '/payments', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'req-1',
      routeKey: 'POST /payments',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: {
          claims: {
            sub: options.sub,
            client_id: 'client-abc',
            token_use: 'access',
            scope: 'aws.cognito.signin.user.admin',
            username: 'demo',
          },
          scopes: ['aws.cognito.signin.user.admin'],
        },
      },
    },
    body,
    isBase64Encoded: false,
  };
}
