import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../lib/idempotency';
import { MemoryStore } from '../../../lib/idempotency/testing';
import { answerOf, describeLongRunning, longRunningFunction, virtualContext } from '../../support/long-running-scenarios';
import { VirtualClock } from '../../support/virtual-clock';

describeLongRunning('MemoryStore', () => new MemoryStore());

it('with fixedLeaseMs, holds the key exactly that long and never renews it: a handler running longer is taken over', async () => {
  const store = new MemoryStore();
  const clock = new VirtualClock();
  const event = { id: randomUUID() };
  const answers: string[] = [];
  let runs = 0;
  const fn = longRunningFunction(
    store,
    clock,
    async () => {
      if (++runs > 1) return 'second run';
      await clock.advance(120_000);
      answers.push(await answerOf(fn.handler(event, virtualContext(clock, 15 * 60_000))));
      await clock.advance(1);
      answers.push(await answerOf(fn.handler(event, virtualContext(clock, 15 * 60_000))));
      return 'first run';
    },
    { fixedLeaseMs: 120_000 },
  );
  expect(await fn.handler(event, virtualContext(clock, 15 * 60_000))).toBe('first run');
  expect(answers).toEqual([`refused: ${ErrorCode.inProgress}`, 'second run']);
  expect([runs, clock.calls.renew]).toEqual([2, undefined]);
});
