import { randomUUID } from 'node:crypto';
import { idempotentHttp, principalOf, type ApiGatewayEvent, type HttpResponse, type IdempotentHttpOptions } from '../../../lib/idempotency';
import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { SAMPLES, loadSample, sampleRequest, type Sample } from '../../support/api-gateway-samples';
import { freshIdempotencyTable, scanAll, testClient } from '../../support/dynamodb';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';

const TYPE = 'tag:lambda-idempotency,2026:problems/';
const BODY = '{"amount":1000,"currency":"EUR","source":"tok_visa"}';

const dynamodb = testClient();
let tableName: string;

beforeAll(async () => {
  tableName = await freshIdempotencyTable(dynamodb, 'tenants');
});
afterAll(() => dynamodb.destroy());

/** A payment handler: each run is a new payment, answered with the caller it ran for. */
function paymentHandler() {
  const handler = async (event: ApiGatewayEvent): Promise<HttpResponse> => {
    handler.runs++;
    const id = `pay_${handler.runs}`;
    return {
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', Location: `/payments/${id}` },
      body: JSON.stringify({ id, owner: principalOf(event) ?? null }),
    };
  };
  handler.runs = 0;
  return handler;
}

function setUp(options: Partial<IdempotentHttpOptions> = {}) {
  const handler = paymentHandler();
  const logger = recordingLogger();
  const wrapped = idempotentHttp(handler, {
    store: new DynamoDbStore({ tableName, client: dynamodb }),
    operation: `tenants-${randomUUID()}`,
    logger,
    ...options,
  });
  const send = async (sample: Sample, caller: string, key: string) =>
    (await wrapped(sampleRequest(sample, { caller, key, body: BODY }), lambdaContext())) as HttpResponse;
  return { handler, logger, send };
}

const bodyOf = (response: HttpResponse) => JSON.parse(response.body ?? 'null');
const replayed = (response: HttpResponse) => response.headers?.['Idempotent-Replayed'] === 'true';

const identified = SAMPLES.filter((sample) => sample.resolution === 'principal');
const anonymous = SAMPLES.filter((sample) => sample.resolution === 'anonymous');
const unresolved = SAMPLES.filter((sample) => sample.resolution === 'unresolved');

describe.each(identified.map((sample) => [sample.title, sample] as const))('%s', (_title, sample) => {
  it("keeps two callers with one key and one body apart, and replays each caller's own retry", async () => {
    const { handler, send } = setUp();
    const key = randomUUID();
    const alice = await send(sample, 'alice', key);
    const bob = await send(sample, 'bob', key);
    const aliceAgain = await send(sample, 'alice', key);
    const bobAgain = await send(sample, 'bob', key);

    expect(handler.runs).toBe(2);
    expect([alice.statusCode, bob.statusCode]).toEqual([201, 201]);
    expect(bodyOf(alice).id).not.toBe(bodyOf(bob).id);
    expect(bodyOf(alice).owner).not.toBe(bodyOf(bob).owner);
    expect([replayed(alice), replayed(bob), replayed(aliceAgain), replayed(bobAgain)]).toEqual([false, false, true, true]);
    expect(bodyOf(aliceAgain)).toEqual(bodyOf(alice));
    expect(aliceAgain.headers?.Location).toBe(alice.headers?.Location);
    expect(bodyOf(bobAgain)).toEqual(bodyOf(bob));
  });
});

describe.each(anonymous.map((sample) => [sample.title, sample] as const))('%s', (_title, sample) => {
  it('shares one key space among its callers, as documented for an API without an authorizer', async () => {
    const { handler, send } = setUp();
    const key = randomUUID();
    const first = await send(sample, 'alice', key);
    const second = await send(sample, 'bob', key);
    expect(handler.runs).toBe(1);
    expect(replayed(second)).toBe(true);
    expect(bodyOf(second)).toEqual(bodyOf(first));
  });

  it('keeps callers apart by what `scope` returns, and replays each one’s retry', async () => {
    const sourceIp = (event: ApiGatewayEvent) =>
      'version' in event && event.version === '2.0'
        ? (event.requestContext as { http: { sourceIp: string } }).http.sourceIp
        : (event.requestContext as { identity: { sourceIp: string } }).identity.sourceIp;
    const { handler, send } = setUp({ scope: sourceIp });
    const key = randomUUID();
    await send(sample, 'alice', key);
    await send(sample, 'bob', key);
    expect(replayed(await send(sample, 'alice', key))).toBe(true);
    expect(replayed(await send(sample, 'bob', key))).toBe(true);
    expect(handler.runs).toBe(2);
  });
});

describe.each(unresolved.map((sample) => [sample.title, sample] as const))('%s', (_title, sample) => {
  it('fails closed: a logged configuration error, and nothing runs or is stored', async () => {
    const { handler, logger, send } = setUp();
    const before = (await scanAll(dynamodb, tableName)).length;
    const responses = [await send(sample, 'alice', 'k-1'), await send(sample, 'bob', 'k-1')];

    for (const response of responses) {
      expect(response.statusCode).toBe(500);
      expect(response.headers?.['Content-Type']).toBe('application/problem+json');
      expect(bodyOf(response)).toMatchObject({
        type: `${TYPE}idempotency-scope-unresolved`,
        status: 500,
        detail: expect.stringContaining('`scope`'),
      });
    }
    expect(handler.runs).toBe(0);
    expect((await scanAll(dynamodb, tableName)).length).toBe(before);
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[0]!.message).toMatch(
      /^An authorizer ran \((JWT|Lambda) authorizer\), but the event names no caller.*`scope: \(event\) => …`.*`scope: \(\) => undefined`/,
    );
  });

  it('shares one key space only when told to, with `scope: () => undefined`', async () => {
    const { handler, send } = setUp({ scope: () => undefined });
    const key = randomUUID();
    const first = await send(sample, 'alice', key);
    const second = await send(sample, 'bob', key);
    expect(handler.runs).toBe(1);
    expect(first.statusCode).toBe(201);
    expect(replayed(second)).toBe(true);
  });
});

describe('an authorizer context that names the caller under another name', () => {
  it('keeps callers apart once `scope` reads it', async () => {
    const sample = SAMPLES.find((candidate) => candidate.file === 'http-lambda-simple-context')!;
    const { handler, send } = setUp({
      scope: (event) => (event.requestContext as unknown as { authorizer: { lambda: { key: string } } }).authorizer.lambda.key,
    });
    const key = randomUUID();
    await send(sample, 'alice', key);
    await send(sample, 'bob', key);
    expect(replayed(await send(sample, 'bob', key))).toBe(true);
    expect(handler.runs).toBe(2);
  });
});

describe('the console test event', () => {
  it('as published (null headers, so no key) gets the 400 of a missing key, not a 500', async () => {
    const { handler } = setUp();
    const wrapped = idempotentHttp(handler, {
      store: new DynamoDbStore({ tableName, client: dynamodb }),
      operation: 'console',
      logger: recordingLogger(),
    });
    const response = (await wrapped(loadSample('rest-console-test'), lambdaContext())) as HttpResponse;
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).type).toBe(`${TYPE}idempotency-key-missing`);
    expect(handler.runs).toBe(0);
  });
});
