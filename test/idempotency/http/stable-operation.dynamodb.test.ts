import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { createPaymentApi } from '../../../lambda/payment/payment-api';
import {
  idempotentHttp,
  type ApiGatewayEvent,
  type HttpResponse,
  type IdempotencyContext,
  type IdempotentHttpOptions,
} from '../../../lib/idempotency';
import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { createLedgerTable } from '../../../lib/local/tables';
import { httpEvent } from '../../support/api-gateway-fixtures';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';
import { lambdaContext } from '../../support/lambda-context';
import { charges } from '../../support/payment-api-client';
import { recordingLogger } from '../../support/silent-logger';

// Two names CloudFormation could give one function before and after a deploy that replaces it
// (a renamed construct, a changed logical id).
const BEFORE = 'PaymentApi-PaymentFunction3A1B2C4D-1a2B3c4D5e6F';
const AFTER = 'PaymentApi-PaymentHandlerE5F6A7B8-9z8Y7x6W5v4U';

const dynamodb = testClient();
let tableName: string;

beforeAll(async () => {
  tableName = await freshIdempotencyTable(dynamodb, 'deploys');
});
afterAll(() => dynamodb.destroy());

/** Wraps `make()` the way Lambda loads a function: at cold start, with its name in the environment. */
function deployedAs<T>(functionName: string, make: () => T): T {
  const previous = process.env.AWS_LAMBDA_FUNCTION_NAME;
  process.env.AWS_LAMBDA_FUNCTION_NAME = functionName;
  try {
    return make();
  } finally {
    if (previous === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    else process.env.AWS_LAMBDA_FUNCTION_NAME = previous;
  }
}

/** A handler that records the keys each run sees, and answers `status`. */
function recordingHandler(status: () => number) {
  const runs: { key: string | undefined; charge: string }[] = [];
  const handler = async (_event: ApiGatewayEvent, _context: Context, idem: IdempotencyContext): Promise<HttpResponse> => {
    runs.push({ key: idem.key, charge: idem.downstreamKey('charge') });
    return { statusCode: status(), body: JSON.stringify({ run: runs.length }) };
  };
  return { handler, runs };
}

function deploy(
  functionName: string,
  handler: ReturnType<typeof recordingHandler>['handler'],
  options: Partial<IdempotentHttpOptions> = {},
) {
  return deployedAs(functionName, () =>
    idempotentHttp(handler, {
      store: new DynamoDbStore({ tableName, client: dynamodb }),
      logger: recordingLogger(),
      metrics: false,
      ...options,
    }),
  );
}

const post = (key: string, body = '{"amount":1000}') =>
  httpEvent({
    headers: [
      ['Content-Type', 'application/json'],
      ['Idempotency-Key', key],
    ],
    body,
    principal: 'alice',
  });

describe('keys across a deploy that replaces the function', () => {
  it('replays the result stored before the deploy, for the same route and caller', async () => {
    const { handler, runs } = recordingHandler(() => 201);
    const before = deploy(BEFORE, handler);
    const after = deploy(AFTER, handler);
    const key = randomUUID();

    const first = (await before(post(key), lambdaContext())) as HttpResponse;
    const retried = (await after(post(key), lambdaContext())) as HttpResponse;

    expect(runs).toHaveLength(1);
    expect(retried).toMatchObject({ statusCode: 201, body: first.body, headers: { 'Idempotent-Replayed': 'true' } });
  });

  it('derives the same scoped key and downstream keys after the deploy', async () => {
    // The first attempt fails after its side effect (a 503 frees the key), the retry lands on the new function.
    let status = 503;
    const { handler, runs } = recordingHandler(() => status);
    const before = deploy(BEFORE, handler);
    const after = deploy(AFTER, handler);
    const key = randomUUID();

    await before(post(key), lambdaContext());
    status = 201;
    await after(post(key), lambdaContext());

    expect(runs).toHaveLength(2);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[1]!.charge).toMatch(/^[0-9a-f]{64}$/);
  });

  it('would have forgotten both with the function name as the operation (the old default)', async () => {
    let status = 503;
    const { handler, runs } = recordingHandler(() => status);
    const before = deploy(BEFORE, handler, { operation: BEFORE });
    const after = deploy(AFTER, handler, { operation: AFTER });
    const key = randomUUID();

    await before(post(key), lambdaContext());
    status = 201;
    await after(post(key), lambdaContext());
    await after(post(key), lambdaContext());
    await before(post(key), lambdaContext());

    expect(runs).toHaveLength(3); // neither function sees the other's records: the old one runs it a third time
    expect(runs[1]!.charge).not.toBe(runs[0]!.charge);
  });

  it('keeps the operations of two routes apart without a function name', async () => {
    const { handler, runs } = recordingHandler(() => 201);
    const wrapped = deploy(AFTER, handler);
    const key = randomUUID();
    await wrapped(post(key), lambdaContext());
    await wrapped(
      httpEvent({
        resource: '/refunds',
        path: '/refunds',
        headers: [
          ['Content-Type', 'application/json'],
          ['Idempotency-Key', key],
        ],
        body: '{"amount":1000}',
        principal: 'alice',
      }),
      lambdaContext(),
    );
    expect(runs).toHaveLength(2);
    expect(runs[1]!.charge).not.toBe(runs[0]!.charge);
  });
});

describe('the example payment function across a deploy', () => {
  it('replays the payment made before it and charges once', async () => {
    const ledgerTable = `deploy-ledger-${randomUUID()}`;
    await createLedgerTable(dynamodb, ledgerTable);
    const config = {
      idempotencyTable: tableName,
      ledgerTable,
      client: dynamodb,
      idempotency: { logger: recordingLogger(), metrics: false as const },
    };
    const before = deployedAs(BEFORE, () => createPaymentApi(config));
    const after = deployedAs(AFTER, () => createPaymentApi(config));
    const key = randomUUID();
    const body = '{"amount":1000,"currency":"EUR","source":"tok_visa"}';

    const paid = (await before(post(key, body), lambdaContext())) as HttpResponse;
    const retried = (await after(post(key, body), lambdaContext())) as HttpResponse;

    expect(paid.statusCode).toBe(201);
    expect(retried).toMatchObject({ statusCode: 201, body: paid.body, headers: { 'Idempotent-Replayed': 'true' } });
    expect(await charges(dynamodb, ledgerTable)).toHaveLength(1);
  });
});
