import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { ErrorCode, idempotent, type IdempotencyContext, type IdempotentOptions } from '../../lib/idempotency';
import type { IdempotencyStore } from '../../lib/idempotency/core/store';
import { lambdaContext } from './lambda-context';
import { VirtualClock } from './virtual-clock';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

interface Event {
  readonly id: string;
}

/** One wrapped function on a virtual clock, with its EMF lines and log lines kept for assertions. */
export function longRunningFunction(
  store: IdempotencyStore,
  clock: VirtualClock,
  run: (event: Event, idem: IdempotencyContext) => Promise<string>,
  options: Partial<IdempotentOptions<Event>> = {},
) {
  const metrics: Record<string, number>[] = [];
  const logs: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void logs.push({ level, message });
  const handler = idempotent<Event, string>((event, _context, idem) => run(event, idem), {
    store: clock.track(store),
    operation: `long-running-${randomUUID()}`,
    key: (event) => event.id,
    now: clock.now,
    sleep: clock.sleep,
    leaseTimer: clock.sleep,
    inFlightWaitMs: 0, // a duplicate answers at once: the test, not a poll, decides when time passes
    metrics: { emit: (line) => void metrics.push(JSON.parse(line)) },
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    ...options,
  });
  return { handler, metrics, logs };
}

/** What a duplicate got: the result, or the error code it was refused with. */
export async function answerOf(promise: Promise<string>): Promise<string> {
  return promise.catch((error: { code?: string }) => `refused: ${error.code}`);
}

/** A Lambda context whose remaining time counts down on the virtual clock. */
export function virtualContext(clock: VirtualClock, remainingMs: number): Context {
  const deadline = clock.now() + remainingMs;
  return { ...lambdaContext(), getRemainingTimeInMillis: () => Math.max(0, deadline - clock.now()) };
}

/**
 * Renewals on the wire, the same on every store: `loseNextRenewalAnswer` arms the fault (the next renewal lands, its
 * answer does not) and resolves once it struck. The handler outlives the claim's own 60 s lease on that renewal
 * alone, so a duplicate past it must be turned away and nothing lost.
 */
export async function renewalWithLostAnswer(store: IdempotencyStore, loseNextRenewalAnswer: () => Promise<unknown>) {
  const clock = new VirtualClock();
  const event = { id: randomUUID() };
  const duplicates: string[] = [];
  const fn = longRunningFunction(store, clock, async (_event, idem) => {
    const lost = loseNextRenewalAnswer();
    await clock.advance(30 * SECOND); // the first renewal: it lands, its answer does not
    await lost;
    await clock.advance(35 * SECOND); // past the claim's own lease (60 s): only the renewals hold the key now
    duplicates.push(await answerOf(fn.handler(event, virtualContext(clock, 15 * MINUTE))));
    await clock.advance(10 * SECOND);
    return idem.leaseLost ? 'lost' : 'done';
  });
  const result = await fn.handler(event, virtualContext(clock, 15 * MINUTE));
  return { result, duplicates, fn, replay: () => fn.handler(event, virtualContext(clock, 15 * MINUTE)) };
}

/** The store out of reach (`outage`) until the lease's end less the margin, then back (`restore`): `idem.signal` aborts. */
export async function outageUntilLeaseEnd(store: IdempotencyStore, outage: () => void, restore: () => void) {
  const clock = new VirtualClock();
  const event = { id: randomUUID() };
  let signalled: unknown;
  const fn = longRunningFunction(store, clock, async (_event, idem) => {
    outage();
    await clock.advance(59 * SECOND);
    signalled = idem.signal.reason;
    restore();
    return idem.leaseLost ? 'finished, told the lease may be lost' : 'finished';
  });
  const result = await fn.handler(event, virtualContext(clock, 15 * MINUTE));
  return { result, signalled, fn, replay: () => fn.handler(event, virtualContext(clock, 15 * MINUTE)) };
}

/**
 * The long-running work every store must carry, on a virtual clock against a real store: a handler that runs
 * for many slices is never taken over and costs one renewal per renewal interval; a crashed one is taken over
 * within one slice; a refused renewal aborts `idem.signal`; handlers shorter than the renewal point pay nothing.
 */
export function describeLongRunning(name: string, setup: () => IdempotencyStore | Promise<IdempotencyStore>): void {
  describe(`${name}: leases renewed while the handler runs`, () => {
    let store: IdempotencyStore;
    beforeAll(async () => {
      store = await setup();
    });

    it.each([
      ['a 30 s slice', { leaseSliceMs: 30 * SECOND }, 80],
      ['the default 60 s slice', {}, 40],
    ])(
      'never takes over a handler running 20 simulated minutes with %s, duplicates turned away each minute',
      async (_slice, options, renewals) => {
        const clock = new VirtualClock();
        const event = { id: randomUUID() };
        const duplicates: string[] = [];
        let runs = 0;
        const fn = longRunningFunction(
          store,
          clock,
          async (_event, idem) => {
            runs++;
            for (let minute = 1; minute <= 20; minute++) {
              await clock.advance(MINUTE);
              duplicates.push(await answerOf(fn.handler(event, lambdaContext())));
            }
            return idem.leaseLost ? 'lost' : 'done after 20 minutes';
          },
          options,
        );
        // A container task or a Managed Instances invocation: far more time left than 20 minutes.
        expect(await fn.handler(event, virtualContext(clock, 90 * MINUTE))).toBe('done after 20 minutes');
        expect(runs).toBe(1);
        expect(duplicates).toEqual(Array(20).fill(`refused: ${ErrorCode.inProgress}`));
        expect(clock.calls.renew).toBe(renewals);
        expect(await fn.handler(event, lambdaContext())).toBe('done after 20 minutes'); // replayed
        expect(runs).toBe(1);
        const long = fn.metrics[20]!; // the 20 duplicates flushed their lines first
        expect([long.Claimed, long.LeaseRenewals, long.LeasesLost, long.LeaseTakeovers]).toEqual([1, renewals, 0, 0]);
        expect(fn.metrics.map((line) => line.InProgressRejections)).toEqual([...Array(20).fill(1), 0, 0]);
        expect(fn.logs.filter((log) => log.level === 'info' && /renewal point/.test(log.message))).toHaveLength(1);
      },
    );

    it('never takes over a 90-minute invocation (Lambda Managed Instances), its remaining time counting down', async () => {
      const clock = new VirtualClock();
      const event = { id: randomUUID() };
      let runs = 0;
      const answers: string[] = [];
      const fn = longRunningFunction(store, clock, async (_event, idem) => {
        runs++;
        for (let step = 1; step <= 18; step++) {
          await clock.advance(5 * MINUTE);
          answers.push(await answerOf(fn.handler(event, virtualContext(clock, 90 * MINUTE))));
        }
        idem.signal.throwIfAborted();
        return 'done after 90 minutes';
      });
      expect(await fn.handler(event, virtualContext(clock, 90 * MINUTE + SECOND))).toBe('done after 90 minutes');
      // One renewal every 30 s; the one at 89.5 minutes already reaches past the invocation's end, so it is the last.
      expect([runs, clock.calls.renew]).toEqual([1, 179]);
      expect(answers).toEqual(Array(18).fill(`refused: ${ErrorCode.inProgress}`));
    });

    it('takes a crashed invocation over within one slice (not its 15 remaining minutes): turned away until then, run just after', async () => {
      const clock = new VirtualClock();
      const event = { id: randomUUID() };
      const operation = `crash-${randomUUID()}`;
      // The crashed process: its handler never returns and its timers never fire again, so it renews nothing.
      const frozen = () => new Promise<void>(() => undefined);
      const crashed = longRunningFunction(store, clock, () => new Promise<string>(() => undefined), { operation, leaseTimer: frozen });
      void crashed.handler(event, virtualContext(clock, 15 * MINUTE));
      await clock.advance(0);
      let runs = 0;
      const retry = longRunningFunction(store, clock, async () => `run ${++runs}`, { operation });
      await clock.advance(60 * SECOND); // the default slice: the lease ends now
      expect(await answerOf(retry.handler(event, lambdaContext()))).toBe(`refused: ${ErrorCode.inProgress}`);
      await clock.advance(1);
      expect(await answerOf(retry.handler(event, lambdaContext()))).toBe('run 1');
      expect(retry.metrics.at(-1)).toMatchObject({ LeaseTakeovers: 1, Claimed: 1 });
    });

    it('aborts idem.signal when a renewal is refused after a takeover, so the handler stops before its side effect', async () => {
      const clock = new VirtualClock();
      let sideEffects = 0;
      let reason: unknown;
      const fn = longRunningFunction(store, clock, async (_event, idem) => {
        // Another invocation takes the key over: its clock runs ahead, or it saw this process paused past its lease.
        const theirNow = clock.now() + 2 * MINUTE;
        await store.claim({
          id: idem.key!,
          leaseToken: randomUUID(),
          leaseExpiresAt: theirNow + MINUTE,
          expiration: Math.floor(theirNow / 1000) + 3_600,
          now: theirNow,
        });
        expect(idem.leaseLost).toBe(false);
        await clock.advance(30 * SECOND); // the renewal point: the renewal is refused
        reason = idem.signal.reason;
        if (idem.leaseLost) return 'stopped before the side effect';
        sideEffects++;
        return 'charged';
      });
      expect(await fn.handler({ id: randomUUID() }, virtualContext(clock, 15 * MINUTE))).toBe('stopped before the side effect');
      expect(sideEffects).toBe(0);
      expect(reason).toMatchObject({ code: ErrorCode.leaseLost });
      expect(fn.metrics).toEqual([expect.objectContaining({ LeasesLost: 1, LeaseRenewals: 0, FencingRejections: 1 })]);
      expect(fn.logs.filter((log) => /taken over while the handler ran/.test(log.message))).toHaveLength(1);
    });

    it('costs handlers shorter than the renewal point no extra store call: 2 to run, 1 to replay, 0 from the local cache', async () => {
      const clock = new VirtualClock();
      const event = { id: randomUUID() };
      const operation = `counts-${randomUUID()}`;
      const quick = async () => {
        await clock.advance(30 * SECOND - 1); // just under the default renewal point
        return 'quick';
      };
      const warm = longRunningFunction(store, clock, quick, { operation, localCache: true });
      const cold = longRunningFunction(store, clock, quick, { operation });
      const callsOf = async (fn: typeof warm) => {
        for (const name of Object.keys(clock.calls)) delete clock.calls[name];
        expect(await fn.handler(event, virtualContext(clock, 15 * MINUTE))).toBe('quick');
        return { ...clock.calls };
      };
      expect(await callsOf(warm)).toEqual({ claim: 1, complete: 1 });
      expect(await callsOf(cold)).toEqual({ claim: 1 });
      expect(await callsOf(warm)).toEqual({});
    });
  });
}
