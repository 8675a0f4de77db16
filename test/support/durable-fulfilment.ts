import { randomUUID } from 'node:crypto';
import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import type { IdempotencyContext, IdempotencyStore } from 'lambda-idempotency';
import type { DurableIdempotentOptions } from 'lambda-idempotency/durable';
import { recordingLogger } from './silent-logger';

/** The event of the durable fulfilment tests: EventBridge-like, with an `id`. */
export interface OrderEvent {
  readonly id: string;
  readonly orderId: string;
}

/** Every EMF line the wrapper writes, and the sum of one metric over them. */
export function metricLines() {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    emit: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
    total: (name: string) => lines.reduce((sum, line) => sum + Number(line[name] ?? 0), 0),
  };
}

/** The durable wrapper's options for one test: its own operation, a 1-hour execution timeout. */
export function durableOptions(
  store: IdempotencyStore,
  overrides: Partial<DurableIdempotentOptions<OrderEvent>> = {},
): DurableIdempotentOptions<OrderEvent> {
  return { store, operation: `fulfil-${randomUUID()}`, executionTimeoutSeconds: 3_600, logger: recordingLogger(), ...overrides };
}

/** Fulfilment: three side effects, each a step, with waits between them (each wait ends an invocation: a replay follows). */
export function fulfilment(waits: number, stepFault?: { name: string; attempts: number }) {
  const effects = { reserve: 0, charge: 0, email: 0, attempts: 0 };
  const body = async (event: OrderEvent, context: DurableContext, idem: IdempotencyContext) => {
    const pause = async (index: number) => {
      if (index < waits) await context.wait(`pause-${index}`, { seconds: 1 });
    };
    const reservation = await idem.step('reserve', async () => `r-${++effects.reserve}`);
    await pause(0);
    await pause(1);
    const charge = await idem.step('charge', async () => `c-${++effects.charge}`);
    await pause(2);
    await pause(3);
    const email = await idem.step('email', async () => {
      // A run that dies inside the step, before its side effect: the SDK runs the step again.
      if (stepFault?.name === 'email' && effects.attempts++ < stepFault.attempts) throw new Error('the runtime died');
      return `e-${++effects.email}`;
    });
    await pause(4);
    return { order: event.orderId, reservation, charge, email };
  };
  return { effects, body };
}

/** Runs one execution of `handler` to its end in AWS's local runner. */
export const runDurable = async (handler: (event: OrderEvent, context: DurableContext) => Promise<unknown>, event: OrderEvent) => {
  const runner = new LocalDurableTestRunner({ handlerFunction: withDurableExecution(handler) });
  return runner.run({ payload: event });
};
