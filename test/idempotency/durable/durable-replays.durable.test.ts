import { randomUUID } from 'node:crypto';
import { typedCodec } from 'lambda-idempotency/codecs';
import { idempotent } from 'lambda-idempotency/durable';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import { durableOptions, fulfilment, metricLines, runDurable, type OrderEvent } from '../../support/durable-fulfilment';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';

// Real time: with skipTime, AWS's local runner completes waits without ending the invocation, so nothing replays.
// Here each 1-second wait ends the invocation and the next one replays the execution from the top.
const client = testClient();
let store: DynamoDbStore;
beforeAll(async () => {
  store = new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client });
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: false });
});
afterAll(async () => {
  await LocalDurableTestRunner.teardownTestEnvironment();
  client.destroy();
});

describe('idempotent across the replays of one durable execution', () => {
  it('runs each side effect once through an execution replayed 5 times, and counts one Claimed', async () => {
    const metrics = metricLines();
    const { effects, body } = fulfilment(5);
    const result = await runDurable(idempotent(body, durableOptions(store, { metrics: { emit: metrics.emit } })), {
      id: randomUUID(),
      orderId: 'o-1',
    });
    expect(result.getStatus()).toBe('SUCCEEDED');
    expect(result.getInvocations()).toHaveLength(6);
    expect(result.getResult()).toEqual({ order: 'o-1', reservation: 'r-1', charge: 'c-1', email: 'e-1' });
    expect(effects).toMatchObject({ reserve: 1, charge: 1, email: 1 });
    expect(metrics.total('Claimed')).toBe(1);
    expect(metrics.lines).toHaveLength(1);
  });

  it("gives a step's result back through the wrapper's codec on every replay (typedCodec: a Date stays a Date)", async () => {
    const seen: string[] = [];
    const handler = idempotent(
      async (_event: OrderEvent, context, idem) => {
        const reserved = await idem.step('reserve', async () => ({ until: new Date('2026-12-06T00:00:00Z') }));
        seen.push(reserved.until instanceof Date ? 'Date' : typeof reserved.until);
        await context.wait('window', { seconds: 1 });
        return reserved.until.toISOString();
      },
      durableOptions(store, { codec: typedCodec() }),
    );
    const result = await runDurable(handler, { id: randomUUID(), orderId: 'o-9' });
    expect(result.getStatus()).toBe('SUCCEEDED');
    expect(seen).toEqual(['Date', 'Date']);
  });

  it("surfaces the SDK's own determinism error unchanged when step names change between replays", async () => {
    let invocation = 0;
    const handler = idempotent(async (_event: OrderEvent, context, idem) => {
      invocation++;
      await idem.step(`charge-${invocation}`, async () => 1);
      await context.wait('pause', { seconds: 1 });
      return 'done';
    }, durableOptions(store));
    const result = await runDurable(handler, { id: randomUUID(), orderId: 'o-8' });
    expect(result.getStatus()).toBe('FAILED');
    expect(result.getError().errorType).toBe('NonDeterministicExecutionError');
  });
  it('continues its own claim when the claim step dies after the claim was written (the same lease token on the retry)', async () => {
    let failures = 1;
    const lossy = new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'claim') return Reflect.get(target, property, receiver);
        return async (request: Parameters<DynamoDbStore['claim']>[0]) => {
          const answer = await target.claim(request);
          if (failures-- > 0) throw new Error('the answer was lost after the write landed');
          return answer;
        };
      },
    });
    const { effects, body } = fulfilment(0);
    const result = await runDurable(idempotent(body, durableOptions(store, { store: lossy, inFlightWaitMs: 0 })), {
      id: randomUUID(),
      orderId: 'o-5',
    });
    expect(result.getStatus()).toBe('SUCCEEDED');
    expect(effects).toMatchObject({ reserve: 1, charge: 1, email: 1 });
  });
});
