import { ErrorCode, idempotent, idempotentFunction, MetricName } from 'lambda-idempotency';
import { MemoryStore } from 'lambda-idempotency/testing';
import { functionKey } from '../../../lib/idempotency/sources/function-key';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';

const NOW = 1_800_000_000_000;

function charge(options: { store?: MemoryStore; now?: () => number } = {}) {
  const calls: [string, number][] = [];
  const fn = idempotentFunction(
    async (url: string, payload: { orderId: string; amount: number }) => {
      calls.push([url, payload.amount]);
      return { charged: payload.amount, call: calls.length };
    },
    {
      store: options.store ?? new MemoryStore(),
      key: (url, payload) => [url, payload.orderId],
      fingerprint: (_url, payload) => payload.amount,
      logger: recordingLogger(),
      now: options.now ?? (() => NOW),
    },
  );
  return { fn, calls };
}

describe('idempotentFunction', () => {
  it('runs once per pair of key arguments and replays the first result to the repeats', async () => {
    const { fn, calls } = charge();
    expect(await fn('https://psp/charge', { orderId: 'o-1', amount: 5 })).toEqual({ charged: 5, call: 1 });
    expect(await fn('https://psp/charge', { orderId: 'o-1', amount: 5 })).toEqual({ charged: 5, call: 1 });
    expect(await fn('https://psp/charge', { orderId: 'o-2', amount: 5 })).toEqual({ charged: 5, call: 2 });
    expect(await fn('https://psp/refund', { orderId: 'o-1', amount: 5 })).toEqual({ charged: 5, call: 3 });
    expect(calls).toHaveLength(3);
  });

  it('refuses a repeat with another fingerprint, running nothing', async () => {
    const { fn, calls } = charge();
    await fn('u', { orderId: 'o-1', amount: 5 });
    await expect(fn('u', { orderId: 'o-1', amount: 6 })).rejects.toMatchObject({ code: ErrorCode.payloadMismatch });
    expect(calls).toHaveLength(1);
  });

  it('tells a replay apart, with when its key was first used and when it expires', async () => {
    const { fn } = charge();
    expect(await fn.detailed('u', { orderId: 'o-1', amount: 5 })).toEqual({ replayed: false, result: { charged: 5, call: 1 } });
    expect(await fn.detailed('u', { orderId: 'o-1', amount: 5 })).toEqual({
      replayed: true,
      result: { charged: 5, call: 1 },
      createdAt: new Date(NOW),
      expiresAt: new Date(NOW + 86_400_000),
    });
  });

  it.each([
    ['an empty array', [], 'The key function returned an empty array; a key needs at least one member.'],
    ['a non-string member', ['a', 7], "The key's member 1 is number, not a string."],
    ['an empty member', ['a', ''], "The key's member 1 is empty."],
    ['a member over the limit', ['a', 'b', 'x'.repeat(256)], "The key's member 2 is 256 characters long; at most 255 are allowed."],
    ['a number', 42, 'The key function must return a string or an array of strings, got number.'],
  ])(
    'refuses a key function that returns %s with IdempotencyKeyInvalidError naming the member, and runs nothing',
    async (_name, key, message) => {
      let runs = 0;
      const fn = idempotentFunction(async () => ++runs, { store: new MemoryStore(), key: () => key as never, logger: recordingLogger() });
      await expect(fn()).rejects.toMatchObject({ code: ErrorCode.keyInvalid, message });
      expect(runs).toBe(0);
    },
  );

  it('canonicalises composite keys: a string is a key of one member, and members never run into each other', () => {
    expect(functionKey('a')).toBe(functionKey(['a']));
    expect(functionKey(['a,b'])).not.toBe(functionKey(['a', 'b']));
    expect(functionKey(['a', 'b'])).not.toBe(functionKey(['b', 'a']));
    expect(functionKey(['x'.repeat(255), 'y'.repeat(255)])).toMatch(/^[0-9a-f]{64}$/);
  });

  it('holds the key for one lease slice outside Lambda (renewed while it runs), and for the remaining time within a Lambda context', async () => {
    const store = new MemoryStore();
    const leases: number[] = [];
    const claim = store.claim.bind(store);
    store.claim = async (request) => {
      leases.push(request.leaseExpiresAt - request.now);
      return claim(request);
    };
    const fn = idempotentFunction(async (id: string) => id, {
      store,
      key: (id) => id,
      logger: recordingLogger(),
      leaseWithoutContextMs: 120_000,
    });
    await fn('plain');
    await fn.within(lambdaContext(5_000))('in-lambda');
    expect(leases[0]).toBe(60_000); // the default slice
    expect(leases[1]).toBeGreaterThan(1_000);
    expect(leases[1]).toBeLessThanOrEqual(6_000);
  });

  it("shares the handler's invocation when given idem: one metrics line counts the handler's claim and the function's", async () => {
    const lines: string[] = [];
    const store = new MemoryStore();
    const inner = idempotentFunction(async (sku: string) => `reserved ${sku}`, {
      store,
      operation: 'reserve',
      key: (sku) => sku,
      logger: recordingLogger(),
    });
    const handler = idempotent(async (event: { id: string }, _context, idem) => inner.within(idem)(event.id), {
      store,
      key: (event) => event.id,
      logger: recordingLogger(),
      metrics: { emit: (line) => void lines.push(line) },
    });
    expect(await handler({ id: 'sku-1' }, lambdaContext())).toBe('reserved sku-1');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)[MetricName.claimed]).toBe(2);
  });

  it('refuses within() given something that is neither idem nor a Lambda context, and options it does not know', () => {
    const { fn } = charge();
    expect(() => fn.within(42 as never)).toThrow("Expected `within` to be given the handler's `idem` or the Lambda context, got 42");
    expect(() => idempotentFunction(async () => 1, { store: new MemoryStore(), key: () => 'k', keys: 1 } as never)).toThrow(TypeError);
    expect(() => idempotentFunction(async () => 1, { store: new MemoryStore() } as never)).toThrow('Expected `key` to be a function');
  });
});
