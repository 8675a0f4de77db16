import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyStoreError, type ApiGatewayEvent, type HttpResponse, type IdempotencyContext } from '../../../lib/idempotency';
import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { MemoryStore } from '../../../lib/idempotency/testing';
import { idempotentWebhook } from '../../../lib/idempotency/webhook/idempotent-webhook';
import type { IdempotentWebhookOptions } from '../../../lib/idempotency/webhook/webhook-options';
import { signWebhookPayload } from '../../../lib/idempotency/webhook/webhook-signature';
import { EVENT_SHAPES } from '../../support/api-gateway-fixtures';
import { freshIdempotencyTable, scanAll, testClient } from '../../support/dynamodb';
import { failNext, faults } from '../../support/fault-injection';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';
import { until } from '../../support/until';

const TYPE = 'tag:lambda-idempotency,2026:problems/';
const SECRET = 'whsec_integration_current';
const OLD_SECRET = 'whsec_integration_previous';
const RECEIVED = { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{"received":true}' };

interface StripeEvent {
  id: string;
  type: string;
  account?: string;
  data: { object: Record<string, unknown> };
}

const client = testClient();
let tableName: string;
let store: DynamoDbStore;
// A table per test, so "nothing was stored" is one scan.
beforeEach(async () => {
  tableName = await freshIdempotencyTable(client);
  store = new DynamoDbStore({ tableName, client });
});
afterAll(() => client.destroy());

const nowSeconds = () => Math.floor(Date.now() / 1000);
const stripeEvent = (overrides: Partial<StripeEvent> = {}): StripeEvent => ({
  id: `evt_${randomUUID().replaceAll('-', '')}`,
  type: 'payment_intent.succeeded',
  data: { object: { id: 'pi_1', amount: 1000, currency: 'eur' } },
  ...overrides,
});

/** Records each run; `behave` may throw or take its time. */
function recordingHandler(behave: (run: number) => void | Promise<void> = () => undefined) {
  const runs: { payload: StripeEvent; event: ApiGatewayEvent; idem: IdempotencyContext }[] = [];
  const handler = async (payload: StripeEvent, event: ApiGatewayEvent, _context: unknown, idem: IdempotencyContext) => {
    runs.push({ payload, event, idem });
    await behave(runs.length);
  };
  return { runs, handler };
}

const problemOf = (response: HttpResponse) =>
  JSON.parse(response.body ?? '{}') as { type: string; status: number; title: string; detail: string };

describe.each(EVENT_SHAPES)('idempotentWebhook with %s events against DynamoDB Local', (_shape, makeEvent) => {
  /** A delivery as Stripe sends it: POST, JSON, signed now with SECRET unless told otherwise (`null`: unsigned). */
  const deliver = (body: string, signature: string | null = signWebhookPayload(body, SECRET), headerName = 'Stripe-Signature') =>
    makeEvent({
      path: '/webhooks/stripe',
      resource: '/webhooks/stripe',
      headers: [
        ['Content-Type', 'application/json; charset=utf-8'],
        ...(signature === null ? [] : [[headerName, signature] as [string, string]]),
      ],
      body,
    });
  const wrap = (handler: ReturnType<typeof recordingHandler>['handler'], options: Partial<IdempotentWebhookOptions<StripeEvent>> = {}) =>
    idempotentWebhook<StripeEvent>(handler, { store, secret: SECRET, operation: 'stripe-webhooks', logger: recordingLogger(), ...options });

  it('runs a valid delivery once with the parsed event, and answers a redelivery 200 without running it', async () => {
    const { runs, handler } = recordingHandler();
    const wrapped = wrap(handler);
    const body = JSON.stringify(stripeEvent());
    const first = deliver(body);
    expect(await wrapped(first, lambdaContext())).toEqual(RECEIVED);
    // Providers sign each attempt anew: a later timestamp, the same event.
    const again = await wrapped(deliver(body, signWebhookPayload(body, SECRET, nowSeconds() + 5)), lambdaContext());
    expect(again).toEqual({ ...RECEIVED, headers: { ...RECEIVED.headers, 'Idempotent-Replayed': 'true' } });
    expect(runs).toHaveLength(1);
    expect(runs[0]!.payload).toEqual(JSON.parse(body));
    expect(runs[0]!.event).toBe(first);
    expect(runs[0]!.idem.key).toMatch(/^[0-9a-f]{64}$/);
    expect(await scanAll(client, tableName)).toEqual([expect.objectContaining({ status: { S: 'COMPLETED' } })]);
  });

  const flip = (header: string) => header.slice(0, -1) + (header.endsWith('0') ? '1' : '0');
  it.each<[string, string, () => [body: string, signature: string | null]]>([
    [
      'a body changed after signing',
      'webhook-signature-invalid',
      () => {
        const body = JSON.stringify(stripeEvent());
        return [body.replace('1000', '100000'), signWebhookPayload(body, SECRET)];
      },
    ],
    [
      'a signature with one hex digit changed',
      'webhook-signature-invalid',
      () => {
        const body = JSON.stringify(stripeEvent());
        return [body, flip(signWebhookPayload(body, SECRET))];
      },
    ],
    [
      'a signature made with another secret',
      'webhook-signature-invalid',
      () => {
        const body = JSON.stringify(stripeEvent());
        return [body, signWebhookPayload(body, 'whsec_attacker')];
      },
    ],
    ['a v1 of another length', 'webhook-signature-invalid', () => [JSON.stringify(stripeEvent()), `t=${nowSeconds()},v1=deadbeef`]],
    [
      'a timestamp 10 minutes old',
      'webhook-timestamp-outside-tolerance',
      () => {
        const body = JSON.stringify(stripeEvent());
        return [body, signWebhookPayload(body, SECRET, nowSeconds() - 600)];
      },
    ],
    [
      'a timestamp 10 minutes in the future',
      'webhook-timestamp-outside-tolerance',
      () => {
        const body = JSON.stringify(stripeEvent());
        return [body, signWebhookPayload(body, SECRET, nowSeconds() + 600)];
      },
    ],
    ['no Stripe-Signature header', 'webhook-signature-missing', () => [JSON.stringify(stripeEvent()), null]],
    ['a signature header without a timestamp', 'webhook-signature-malformed', () => [JSON.stringify(stripeEvent()), 'v1=abc']],
    ['a signature header that is not t=…,v1=…', 'webhook-signature-malformed', () => [JSON.stringify(stripeEvent()), 'sha256=abc']],
    [
      'a signed body that is not JSON',
      'webhook-payload-invalid',
      () => ['id=evt_1&type=charge', signWebhookPayload('id=evt_1&type=charge', SECRET)],
    ],
    [
      'a signed JSON body without an id',
      'webhook-event-id-missing',
      () => ['{"type":"charge.succeeded"}', signWebhookPayload('{"type":"charge.succeeded"}', SECRET)],
    ],
    ['a signed JSON body whose id is a number', 'webhook-event-id-missing', () => ['{"id":42}', signWebhookPayload('{"id":42}', SECRET)]],
    [
      'a signed event id of 256 characters',
      'webhook-event-id-invalid',
      () => {
        const body = JSON.stringify(stripeEvent({ id: 'e'.repeat(256) }));
        return [body, signWebhookPayload(body, SECRET)];
      },
    ],
  ])('refuses %s with 400 %s, runs nothing and stores nothing', async (_case, type, make) => {
    const { runs, handler } = recordingHandler();
    const logger = recordingLogger();
    const [body, signature] = make();
    const response = await wrap(handler, { logger })(deliver(body, signature), lambdaContext());
    expect(response).toMatchObject({
      statusCode: 400,
      headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' },
    });
    expect(problemOf(response)).toMatchObject({ type: TYPE + type, status: 400 });
    expect(runs).toHaveLength(0);
    expect(await scanAll(client, tableName)).toEqual([]);
    // An operator sees the refusals (a wrong secret shows up as nothing else).
    expect(logger.warnings).toEqual([expect.objectContaining({ fields: expect.objectContaining({ problem: type }) })]);
  });

  it('accepts a delivery signed with either secret while one is rotated', async () => {
    const { runs, handler } = recordingHandler();
    const wrapped = wrap(handler, { secret: [SECRET, OLD_SECRET] });
    const old = JSON.stringify(stripeEvent());
    const current = JSON.stringify(stripeEvent());
    expect(await wrapped(deliver(old, signWebhookPayload(old, OLD_SECRET)), lambdaContext())).toEqual(RECEIVED);
    expect(await wrapped(deliver(current, signWebhookPayload(current, SECRET)), lambdaContext())).toEqual(RECEIVED);
    expect(runs).toHaveLength(2);
  });

  it('accepts a header with several v1 signatures of which one matches', async () => {
    const { runs, handler } = recordingHandler();
    const body = JSON.stringify(stripeEvent());
    const t = nowSeconds();
    const v1 = (secret: string) => signWebhookPayload(body, secret, t).split('v1=')[1];
    const header = `t=${t},v1=${v1('whsec_expired')},v1=${v1(SECRET)},v0=${v1('whsec_test_mode')}`;
    expect(await wrap(handler)(deliver(body, header), lambdaContext())).toEqual(RECEIVED);
    expect(runs).toHaveLength(1);
  });

  it('reads the signature header in any letter case, and the header the options name', async () => {
    const { runs, handler } = recordingHandler();
    const body = JSON.stringify(stripeEvent());
    const lower = deliver(body, signWebhookPayload(body, SECRET), 'stripe-signature');
    expect(await wrap(handler)(lower, lambdaContext())).toEqual(RECEIVED);
    const custom = wrap(handler, { signatureHeader: 'X-Webhook-Signature' });
    const other = JSON.stringify(stripeEvent());
    expect(problemOf(await custom(deliver(other), lambdaContext()))).toMatchObject({
      type: `${TYPE}webhook-signature-missing`,
      detail: 'The request has no X-Webhook-Signature header.',
    });
    const named = deliver(other, signWebhookPayload(other, SECRET), 'X-WEBHOOK-SIGNATURE');
    expect(await custom(named, lambdaContext())).toEqual(RECEIVED);
    expect(runs).toHaveLength(2);
  });

  it('answers 500 without the error message when the handler throws, releases the event, and runs the next delivery', async () => {
    const { runs, handler } = recordingHandler((run) => {
      if (run === 1) throw new Error('ledger unavailable for customer alice@example.com');
    });
    const logger = recordingLogger();
    const wrapped = wrap(handler, { logger });
    const body = JSON.stringify(stripeEvent());
    const failed = await wrapped(deliver(body), lambdaContext());
    expect(failed).toMatchObject({ statusCode: 500, headers: { 'Content-Type': 'application/problem+json' } });
    expect(problemOf(failed)).toEqual({
      type: `${TYPE}webhook-handler-failed`,
      title: 'Webhook processing failed',
      status: 500,
      detail: 'The event was not processed; deliver it again.',
    });
    expect(failed.body).not.toContain('alice');
    expect(logger.warnings.map((line) => String(line.fields.error))).toContainEqual(
      expect.stringContaining('ledger unavailable for customer alice@example.com'),
    );
    expect(await scanAll(client, tableName)).toEqual([]);
    expect(await wrapped(deliver(body), lambdaContext())).toEqual(RECEIVED);
    expect(runs).toHaveLength(2);
  });

  it('answers 500 (not 503) when the handler throws an IdempotencyStoreError of its own, and releases the event', async () => {
    const { runs, handler } = recordingHandler((run) => {
      if (run === 1) throw new IdempotencyStoreError('a nested idempotent call met a store fault', new Error('cause'));
    });
    const wrapped = wrap(handler);
    const body = JSON.stringify(stripeEvent());
    const failed = await wrapped(deliver(body), lambdaContext());
    expect(failed.statusCode).toBe(500);
    expect(problemOf(failed).type).toBe(`${TYPE}webhook-handler-failed`);
    expect(await wrapped(deliver(body), lambdaContext())).toEqual(RECEIVED);
    expect(runs).toHaveLength(2);
  });

  it('runs the handler once for the same event delivered 20 times at once; every delivery gets 200', async () => {
    const { runs, handler } = recordingHandler(() => sleep(200));
    const wrapped = wrap(handler);
    const body = JSON.stringify(stripeEvent());
    const responses = await Promise.all(Array.from({ length: 20 }, () => wrapped(deliver(body), lambdaContext())));
    expect(runs).toHaveLength(1);
    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
    expect(responses.filter((response) => response.headers?.['Idempotent-Replayed'] === 'true')).toHaveLength(19);
  });

  it('answers a delivery that finds the event still running after its wait with 409 and Retry-After', async () => {
    // The first run finishes only once the duplicate has its answer: no race with the clock on a loaded machine.
    let finish = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const { runs, handler } = recordingHandler(() => finished);
    const wrapped = wrap(handler, { inFlightWaitMs: 50 });
    const body = JSON.stringify(stripeEvent());
    const first = wrapped(deliver(body), lambdaContext());
    await until(() => runs.length === 1);
    const duplicate = await wrapped(deliver(body), lambdaContext());
    finish();
    expect(duplicate).toMatchObject({ statusCode: 409 });
    expect(problemOf(duplicate).type).toBe(`${TYPE}request-in-progress`);
    expect(Number(duplicate.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(await first).toEqual(RECEIVED);
    expect(runs).toHaveLength(1);
  });

  it('verifies a base64-encoded body against its decoded bytes', async () => {
    const { runs, handler } = recordingHandler();
    const wrapped = wrap(handler);
    const raw = JSON.stringify(stripeEvent({ data: { object: { description: 'café ☕' } } }));
    const base64 = Buffer.from(raw, 'utf8').toString('base64');
    const asBase64 = (signature: string) => ({ ...deliver(raw, signature), body: base64, isBase64Encoded: true });
    expect(await wrapped(asBase64(signWebhookPayload(raw, SECRET)), lambdaContext())).toEqual(RECEIVED);
    expect(runs[0]!.payload.data.object.description).toBe('café ☕');
    // A signature over the base64 text is not a signature over what the provider sent.
    expect(problemOf(await wrapped(asBase64(signWebhookPayload(base64, SECRET)), lambdaContext())).type).toBe(
      `${TYPE}webhook-signature-invalid`,
    );
    expect(runs).toHaveLength(1);
  });

  it('keeps one event id under two scopes apart (Stripe Connect accounts)', async () => {
    const { runs, handler } = recordingHandler();
    const wrapped = wrap(handler, { scope: (payload) => payload.account });
    const id = 'evt_shared';
    for (const account of ['acct_a', 'acct_b', 'acct_a'])
      await wrapped(deliver(JSON.stringify(stripeEvent({ id, account }))), lambdaContext());
    expect(runs.map((run) => run.payload.account)).toEqual(['acct_a', 'acct_b']);
  });

  it('keys on the event id the eventId option reads', async () => {
    const { runs, handler } = recordingHandler();
    const wrapped = wrap(handler, { eventId: (payload) => (payload.data.object as { eventUuid?: string }).eventUuid });
    const send = (id: string) =>
      wrapped(deliver(JSON.stringify(stripeEvent({ id, data: { object: { eventUuid: 'u-1' } } }))), lambdaContext());
    await send('evt_a');
    expect((await send('evt_b')).headers?.['Idempotent-Replayed']).toBe('true');
    expect(runs).toHaveLength(1);
  });

  it("checks the timestamp against the engine's clock (the now option)", async () => {
    const { runs, handler } = recordingHandler();
    const hourAhead = () => Date.now() + 3_600_000;
    const wrapped = wrap(handler, { now: hourAhead });
    const body = JSON.stringify(stripeEvent());
    expect(problemOf(await wrapped(deliver(body), lambdaContext())).type).toBe(`${TYPE}webhook-timestamp-outside-tolerance`);
    expect(await wrapped(deliver(body, signWebhookPayload(body, SECRET, Math.floor(hourAhead() / 1000))), lambdaContext())).toEqual(
      RECEIVED,
    );
    expect(runs).toHaveLength(1);
  });
});

describe('idempotentWebhook when the store fails', () => {
  it('answers 503 with Retry-After, runs nothing and leaves no record', async () => {
    const { runs, handler } = recordingHandler();
    const wrapped = idempotentWebhook(handler, { store, secret: SECRET, logger: recordingLogger() });
    const body = JSON.stringify(stripeEvent());
    const stop = failNext(client, 'PutItemCommand', faults.throttling());
    try {
      const response = await wrapped(
        EVENT_SHAPES[1][1]({ headers: [['Stripe-Signature', signWebhookPayload(body, SECRET)]], body }),
        lambdaContext(),
      );
      expect(response).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '2', 'Content-Type': 'application/problem+json' } });
      expect(problemOf(response).type).toBe(`${TYPE}idempotency-store-unavailable`);
    } finally {
      stop();
    }
    expect(runs).toHaveLength(0);
    expect(await scanAll(client, tableName)).toEqual([]);
  });
});

describe('idempotentWebhook problems', () => {
  it('prefixes every problem type with problemTypeBase', async () => {
    const wrapped = idempotentWebhook(async () => undefined, {
      store: new MemoryStore(),
      secret: SECRET,
      problemTypeBase: 'https://api.example.com/problems/',
      logger: recordingLogger(),
    });
    const response = await wrapped(EVENT_SHAPES[0][1]({ body: '{}' }), lambdaContext());
    expect(problemOf(response).type).toBe('https://api.example.com/problems/webhook-signature-missing');
  });
});

describe('idempotentWebhook options', () => {
  const base = { store: new MemoryStore(), secret: SECRET };
  it.each([
    ['secret', undefined, 'Expected `secret` to be a non-empty string or a non-empty array of them, got undefined'],
    ['secret', '', 'Expected `secret` to be a non-empty string or a non-empty array of them, got ""'],
    ['secret', [], 'Expected `secret` to be a non-empty string or a non-empty array of them, got an empty array'],
    [
      'secret',
      [SECRET, ''],
      'Expected `secret` to be a non-empty string or a non-empty array of them, got an array with an empty or non-string item',
    ],
    ['toleranceSeconds', 0, 'Expected `toleranceSeconds` to be a positive integer, got 0'],
    ['toleranceSeconds', 1.5, 'Expected `toleranceSeconds` to be a positive integer, got 1.5'],
    ['signatureHeader', 'Stripe Signature', 'Expected `signatureHeader` to be a header name, got "Stripe Signature"'],
    ['eventId', 'id', 'Expected `eventId` to be a function, got "id"'],
    ['scope', 'account', 'Expected `scope` to be a function, got "account"'],
    ['problemTypeBase', 'problems/', 'Expected `problemTypeBase` to be an absolute URI prefix, got "problems/"'],
    ['inFlightWaitMs', -1, 'Expected `inFlightWaitMs` to be a non-negative integer, got -1'],
  ])('throws a TypeError naming `%s` when wrapping', (name, value, message) => {
    expect(() => idempotentWebhook(async () => undefined, { ...base, [name]: value })).toThrow(new TypeError(message));
  });

  it('refuses a record that would expire while its signature is still accepted: expiresAfterSeconds below twice toleranceSeconds', () => {
    const wrapWith = (options: Partial<IdempotentWebhookOptions>) => () =>
      idempotentWebhook(async () => undefined, { ...base, ...options });
    expect(wrapWith({ toleranceSeconds: 300, expiresAfterSeconds: 599 })).toThrow(
      new TypeError(
        'Expected `expiresAfterSeconds` to be at least twice `toleranceSeconds` (600), got 599: a signed delivery is accepted for ' +
          '`toleranceSeconds` either side of its timestamp, and its record must outlive that window, or a captured copy sent after ' +
          'the record expired would run the handler again',
      ),
    );
    expect(wrapWith({ toleranceSeconds: 300, expiresAfterSeconds: 120 })).toThrow(TypeError);
    expect(wrapWith({ expiresAfterSeconds: 599 })).toThrow(/twice `toleranceSeconds` \(600\), got 599/); // the default tolerance
    expect(wrapWith({ toleranceSeconds: 86_400 })).toThrow(/\(172800\), got 86400/); // the default expiry
    expect(wrapWith({ toleranceSeconds: 300, expiresAfterSeconds: 600 })).not.toThrow();
    expect(wrapWith({})).not.toThrow();
  });

  it('never puts a secret into the message', () => {
    expect(() => idempotentWebhook(async () => undefined, { ...base, secret: [SECRET, 7] as unknown as string[] })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(SECRET) }),
    );
  });
});

describe('idempotentWebhook and a captured delivery', () => {
  // Signed 300 s ahead of our clock (the sender's clock runs fast): accepted from its first second on
  // ours to its last, 600 s later, which the shortest record allowed (600 s) still covers.
  it('replays it up to the last moment its signature is accepted, with the shortest record life allowed', async () => {
    const tolerance = 300;
    const signedAt = 1_900_000_000;
    let clock = (signedAt - tolerance) * 1000;
    const { runs, handler } = recordingHandler();
    const wrapped = idempotentWebhook<StripeEvent>(handler, {
      store: new MemoryStore(),
      secret: SECRET,
      toleranceSeconds: tolerance,
      expiresAfterSeconds: 2 * tolerance,
      now: () => clock,
      logger: recordingLogger(),
    });
    const body = JSON.stringify(stripeEvent());
    const captured = EVENT_SHAPES[1][1]({ headers: [['Stripe-Signature', signWebhookPayload(body, SECRET, signedAt)]], body });

    expect(await wrapped(captured, lambdaContext())).toEqual(RECEIVED);
    clock = (signedAt + tolerance) * 1000; // the last millisecond the signature is accepted
    expect((await wrapped(captured, lambdaContext())).headers?.['Idempotent-Replayed']).toBe('true');
    clock += 1;
    expect(problemOf(await wrapped(captured, lambdaContext())).type).toBe(`${TYPE}webhook-timestamp-outside-tolerance`);
    expect(runs).toHaveLength(1);
  });
});
