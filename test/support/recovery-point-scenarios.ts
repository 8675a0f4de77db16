import { createHash, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { ErrorCode, idempotent, type IdempotencyContext } from '../../lib/idempotency';
import { composeCodecs, typedCodec } from '../../lib/idempotency/codecs';
import type { IdempotencyStore } from '../../lib/idempotency/core/store';
import { encryptResults, localKeyProvider } from '../../lib/idempotency/encryption';
import { recordingLogger } from './silent-logger';
import { until } from './until';

// A virtual clock in 2100 (DynamoDB Local sweeps expired items; this keeps it away from ours).
const START = 4_102_444_800_000;

/** A store that keeps steps, and a look at everything it holds, as a reader of the table or server would see it. */
export interface RecoveryPointsBackend {
  /** The store under test, once the engine is up (called in `beforeAll`). */
  readonly setup: () => Promise<IdempotencyStore>;
  /** Every item (or key) the store holds, one string each with all its attributes (or fields). */
  readonly stored: () => Promise<string[]>;
  readonly teardown?: () => Promise<void>;
}

/** A Lambda context with 1 s left: the lease is that plus the 1 s margin, so a crashed run frees its key 2 s later. */
const context = { getRemainingTimeInMillis: () => 1_000, awsRequestId: 'req' } as unknown as Context;

/**
 * `idem.step`'s recovery points end to end, the same scenarios for every store that keeps steps: a crash between
 * steps re-runs only the unfinished one, a released error too, a repeated name is refused, an over-limit result
 * writes nothing, and a step goes through the handler's codec. Exact side-effect counts throughout.
 */
export function describeRecoveryPoints(name: string, backend: RecoveryPointsBackend): void {
  describe(`idem.step on ${name}`, () => {
    let store: IdempotencyStore;
    beforeAll(async () => {
      store = await backend.setup();
    });
    afterAll(() => backend.teardown?.());

    /** Fulfilment in three side effects, each counted; `stopAfter` makes a run stop after the named step. */
    function fulfilment() {
      const effects = { reserve: 0, charge: 0, email: 0 };
      let clock = START;
      let stopAfter: { step: keyof typeof effects; how: 'crash' | 'throw' } | undefined;
      const body = async (event: { key: string }, _context: Context, idem: IdempotencyContext) => {
        const reservation = await idem.step('reserve', async () => ({ reservationId: `r-${++effects.reserve}` }));
        if (stopAfter?.step === 'reserve') return stop();
        const charge = await idem.step('charge', async () => ({ chargeId: `c-${++effects.charge}`, for: reservation.reservationId }));
        if (stopAfter?.step === 'charge') return stop();
        const email = await idem.step('email', async () => `e-${++effects.email}`);
        return { order: event.key, reservation, charge, email };
      };
      const stop = (): Promise<never> => {
        const how = stopAfter!.how;
        stopAfter = undefined;
        // A crash: the runtime dies, nothing settles the claim, its lease must run out. A throw: the engine releases the key.
        return how === 'crash' ? new Promise<never>(() => {}) : Promise.reject(new Error('the mail server is down'));
      };
      const handler = idempotent(body, {
        store,
        operation: `fulfil-${randomUUID()}`,
        key: (event) => event.key,
        now: () => clock,
        logger: recordingLogger(),
      });
      return {
        handler,
        effects,
        stopAfter: (step: keyof typeof effects, how: 'crash' | 'throw') => {
          stopAfter = { step, how };
        },
        advance: (ms: number) => {
          clock += ms;
        },
      };
    }

    it('re-runs only step 3 after a crash between steps 2 and 3, once the lease has run out', async () => {
      const run = fulfilment();
      const key = randomUUID();
      run.stopAfter('charge', 'crash');
      void run.handler({ key }, context);
      await until(() => run.effects.charge === 1);
      run.advance(2_001);
      const result = await run.handler({ key }, context);
      expect(run.effects).toEqual({ reserve: 1, charge: 1, email: 1 });
      expect(result).toEqual({ order: key, reservation: { reservationId: 'r-1' }, charge: { chargeId: 'c-1', for: 'r-1' }, email: 'e-1' });
      expect(await run.handler({ key }, context)).toEqual(result);
      expect(run.effects).toEqual({ reserve: 1, charge: 1, email: 1 });
    });

    it('re-runs only the unfinished step after the handler threw and its key was released', async () => {
      const run = fulfilment();
      const key = randomUUID();
      run.stopAfter('charge', 'throw');
      await expect(run.handler({ key }, context)).rejects.toThrow('the mail server is down');
      await run.handler({ key }, context);
      expect(run.effects).toEqual({ reserve: 1, charge: 1, email: 1 });
    });

    it('refuses a step name used twice in one request, releases the key, and a corrected handler runs', async () => {
      const key = randomUUID();
      const operation = `twice-${randomUUID()}`;
      let effects = 0;
      const twice = idempotent(
        async (_event: { key: string }, _context, idem) => {
          await idem.step('charge', async () => ++effects);
          return idem.step('charge', async () => ++effects);
        },
        { store, operation, key: (event) => event.key, logger: recordingLogger() },
      );
      await expect(twice({ key }, context)).rejects.toMatchObject({ code: ErrorCode.stepInvalid });
      expect(effects).toBe(1);
      const once = idempotent(async (_event: { key: string }, _context, idem) => idem.step('charge', async () => ++effects), {
        store,
        operation,
        key: (event) => event.key,
        logger: recordingLogger(),
      });
      expect(await once({ key }, context)).toBe(1);
      expect(effects).toBe(1);
    });

    it("refuses a step result over the store's limit before anything of it is written, and releases the key", async () => {
      const key = randomUUID();
      const operation = `large-${randomUUID()}`;
      const before = await backend.stored();
      // Hex compresses to about half: three times the limit is over it even compressed.
      const large = idempotent(
        async (_event: { key: string }, _context, idem) => idem.step('report', async () => incompressible(3 * store.maxResultBytes)),
        { store, operation, key: (event) => event.key, logger: recordingLogger() },
      );
      await expect(large({ key }, context)).rejects.toMatchObject({
        code: ErrorCode.stepInvalid,
        message: expect.stringContaining('nothing was stored'),
      });
      expect(await backend.stored()).toEqual(before);
    });

    it("stores a step's result through the handler's codec: typed on the re-run, encrypted in the store", async () => {
      const key = randomUUID();
      const operation = `codec-${randomUUID()}`;
      const codec = composeCodecs(
        typedCodec(),
        encryptResults({ keyProvider: localKeyProvider({ keys: { k1: Buffer.alloc(32, 7) }, currentKeyId: 'k1' }) }),
      );
      const effects = { charge: 0, email: 0 };
      let mailDown = true;
      const handler = idempotent(
        async (_event: { key: string }, _context, idem) => {
          const charge = await idem.step('charge', async () => ({ n: ++effects.charge, card: '4242424242424242', at: new Date(START) }));
          if (mailDown) throw new Error('the mail server is down');
          await idem.step('email', async () => ++effects.email);
          return { chargedAt: charge.at instanceof Date ? charge.at.toISOString() : `not a Date: ${String(charge.at)}`, n: charge.n };
        },
        { store, operation, key: (event) => event.key, codec, logger: recordingLogger() },
      );
      await expect(handler({ key }, context)).rejects.toThrow('the mail server is down');
      const held = await backend.stored();
      expect(held.some((entry) => entry.includes('STEP'))).toBe(true); // the step is there, so the next line means something
      expect(held.join('\n')).not.toContain('4242424242424242');
      mailDown = false;
      expect(await handler({ key }, context)).toEqual({ chargedAt: new Date(START).toISOString(), n: 1 });
      expect(effects).toEqual({ charge: 1, email: 1 });
    });
  });
}

/** `length` hex characters that gzip cannot shrink below half: sha256 of 0, 1, 2… (deterministic, no randomness). */
function incompressible(length: number): string {
  let text = '';
  for (let i = 0; text.length < length; i++) text += createHash('sha256').update(String(i)).digest('hex');
  return text.slice(0, length);
}
