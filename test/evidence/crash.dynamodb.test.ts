import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { idempotentHttp, type HttpResponse } from '../../lib/idempotency';
import { DynamoDbStore } from '../../lib/idempotency/dynamodb';
import { createLedgerTable } from '../../lib/local/tables';
import { FakePaymentGateway } from '../../lambda/payment/fake-gateway';
import { httpEvent } from '../support/api-gateway-fixtures';
import { freshIdempotencyTable, testClient } from '../support/dynamodb';
import { charges } from '../support/payment-api-client';
import { recordingLogger } from '../support/silent-logger';

const dynamodb = testClient();

it('fences off a handler that charged, then hung past its lease: the retry takes over, the late finish changes nothing, one charge', async () => {
  const ledgerTable = `ledger-${randomUUID()}`;
  await createLedgerTable(dynamodb, ledgerTable);
  const gateway = new FakePaymentGateway(DynamoDBDocumentClient.from(dynamodb), ledgerTable);
  const store = new DynamoDbStore({ tableName: await freshIdempotencyTable(dynamodb), client: dynamodb });
  const logger = recordingLogger();

  let clockOffsetMs = 0;
  let runs = 0;
  let charged = false;
  let unhang!: () => void;
  const hung = new Promise<void>((resolve) => (unhang = resolve));
  const handler = idempotentHttp(
    async (event, _context, idem): Promise<HttpResponse> => {
      const run = ++runs;
      const charge = await gateway.charge({
        idempotencyKey: idem.downstreamKey('charge'),
        amount: 2500,
        currency: 'EUR',
        source: 'tok_visa',
      });
      charged = true;
      if (event.headers['x-attempt'] === 'first') await hung; // the first invocation charged, then stalls past its lease
      return { statusCode: 201, body: JSON.stringify({ charge: charge.chargeId, run }) };
    },
    // The clock is the test's: the lease ends when the test says so, not after a real-time sleep.
    { store, leaseMarginMs: 100, logger, now: () => Date.now() + clockOffsetMs },
  );
  const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;
  // X-Attempt is not part of the fingerprint: all three are the same request to the library.
  const request = (attempt = 'retry') =>
    httpEvent({
      headers: [
        ['Idempotency-Key', 'crash-1'],
        ['Content-Type', 'application/json'],
        ['X-Attempt', attempt],
      ],
      body: '{"amount":2500}',
    });

  const first = handler(request('first'), context(1_500)); // lease: 1.5 s + 100 ms margin
  while (!charged) await sleep(10);
  expect(await handler(request(), context(300))).toMatchObject({ statusCode: 409 }); // lease alive: no second run
  clockOffsetMs = 1_700; // past the first invocation's lease
  const retry = (await handler(request(), context(5_000))) as HttpResponse; // lease over: takes it over
  expect(retry.statusCode).toBe(201);
  expect(JSON.parse(retry.body!)).toMatchObject({ run: 2 });

  unhang();
  const late = (await first) as HttpResponse;
  expect(JSON.parse(late.body!)).toMatchObject({ run: 1, charge: JSON.parse(retry.body!).charge }); // the same charge

  const replay = (await handler(request(), context(5_000))) as HttpResponse;
  expect(replay.headers?.['Idempotent-Replayed']).toBe('true');
  expect(JSON.parse(replay.body!)).toMatchObject({ run: 2 }); // the new owner's response stands
  expect(logger.warnings.map((w) => w.message)).toEqual([
    expect.stringMatching(/Took the key over from an invocation whose lease ended/),
    expect.stringMatching(/taken over before completion/),
  ]);

  const ledger = await charges(dynamodb, ledgerTable);
  expect(ledger).toEqual([expect.objectContaining({ amount: 2500, attempts: 2 })]); // two runs reached the gateway, one charge
  expect(runs).toBe(2);
});
