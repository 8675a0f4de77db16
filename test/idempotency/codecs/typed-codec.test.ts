import fc from 'fast-check';
import { idempotent } from 'lambda-idempotency';
import { composeCodecs, TYPED_FORMAT_VERSION, typedCodec, type TypedValue } from 'lambda-idempotency/codecs';
import { MemoryStore } from 'lambda-idempotency/testing';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';

const context = { id: 'record-1' };
const roundTrip = async (value: unknown, codec = typedCodec()) =>
  codec.decode(JSON.parse(JSON.stringify(await codec.encode(value, context))), context);

class Money {
  constructor(
    readonly cents: bigint,
    readonly currency: string,
  ) {}
}
const MONEY: TypedValue<Money> = {
  name: 'Money',
  is: (value): value is Money => value instanceof Money,
  encode: (money) => ({ cents: money.cents, currency: money.currency }),
  decode: (payload) => {
    const { cents, currency } = payload as { cents: bigint; currency: string };
    return new Money(cents, currency);
  },
};

describe('typedCodec', () => {
  it('round-trips a Date, a Map, a Set, a BigInt, undefined members and elements and a Uint8Array through JSON, types and all', async () => {
    const value = {
      at: new Date('2026-12-05T08:00:00.000Z'),
      totals: new Map<unknown, unknown>([
        ['EUR', 10n ** 20n],
        [1, new Set(['a', 'b'])],
      ]),
      missing: undefined,
      list: [1, undefined, new Uint8Array([0, 1, 254, 255])],
      nested: { numbers: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0] },
    };
    const back = (await roundTrip(value)) as typeof value;
    expect(back).toEqual(value);
    expect(back.at).toBeInstanceOf(Date);
    expect(back.totals).toBeInstanceOf(Map);
    expect(back.totals.get(1)).toBeInstanceOf(Set);
    expect(typeof back.totals.get('EUR')).toBe('bigint');
    expect(Object.hasOwn(back, 'missing')).toBe(true);
    expect(back.list).toHaveLength(3);
    expect(back.list[2]).toBeInstanceOf(Uint8Array);
    expect(Object.is(back.nested.numbers[3], -0)).toBe(true);
  });

  it("keeps an own __proto__ member as a member (as JSON does), and never makes it the replay's prototype", async () => {
    const echoed = JSON.parse('{"amount":5,"__proto__":{"isAdmin":true}}');
    const replayed = (await roundTrip(echoed)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(replayed)).toBe(Object.prototype);
    expect((replayed as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(Object.hasOwn(replayed, '__proto__')).toBe(true);
    expect(JSON.stringify(replayed)).toBe(JSON.stringify(echoed));
  });

  it("stores an object with its own toJSON as JSON would (a Decimal), and an array's holes as undefined", async () => {
    class Decimal {
      constructor(private readonly text: string) {}
      toJSON() {
        return this.text;
      }
    }
    expect(await roundTrip({ total: new Decimal('19.99') })).toEqual({ total: '19.99' });
    const holes = await roundTrip([1, , 3]);
    expect(holes).toEqual([1, undefined, 3]);
  });

  it('keeps an invalid Date an invalid Date', async () => {
    const back = (await roundTrip({ at: new Date(Number.NaN) })) as { at: Date };
    expect(back.at).toBeInstanceOf(Date);
    expect(back.at.getTime()).toBeNaN();
  });

  it('round-trips undefined itself, and keeps plain JSON plain inside its versioned envelope', async () => {
    expect(await roundTrip(undefined)).toBeUndefined();
    expect(await typedCodec().encode({ a: [1, 'x', null, true] }, context)).toEqual({
      $typed: TYPED_FORMAT_VERSION,
      value: { a: [1, 'x', null, true] },
    });
  });

  it('keeps a plain object that has its own $t member apart from a tagged value', async () => {
    const value = { $t: 'Date', v: 'not a date' };
    expect(await roundTrip(value)).toEqual(value);
  });

  it('replays a record stored before the codec was configured as it was stored', async () => {
    expect(await typedCodec().decode({ paid: true, at: '2026-12-05T08:00:00.000Z' }, context)).toEqual({
      paid: true,
      at: '2026-12-05T08:00:00.000Z',
    });
  });

  it('refuses a record of a later format version, naming both versions', async () => {
    await expect(async () => typedCodec().decode({ $typed: 2, value: {} }, context)).rejects.toThrow(/version 2; this version reads 1/);
  });

  it('round-trips a registered class, and refuses a tag it does not know', async () => {
    const value = { price: new Money(1999n, 'EUR') };
    const back = (await roundTrip(value, typedCodec({ types: [MONEY] }))) as typeof value;
    expect(back.price).toBeInstanceOf(Money);
    expect(back.price).toEqual(value.price);
    const stored = JSON.parse(JSON.stringify(await typedCodec({ types: [MONEY] }).encode(value, context)));
    await expect(async () => typedCodec().decode(stored, context)).rejects.toThrow(/type "x:Money", which this codec does not know/);
  });

  it('refuses functions, symbols and cycles, naming where they are', async () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    await expect(async () => typedCodec().encode({ a: [() => 1] }, context)).rejects.toThrow('function at $.a[0]');
    await expect(async () => typedCodec().encode(cycle, context)).rejects.toThrow('cycle at $.self');
  });

  it('refuses a types option that is not a list of { name, is, encode, decode }', () => {
    expect(() => typedCodec({ types: [{ name: 'x' } as unknown as TypedValue] })).toThrow(TypeError);
  });

  it('round-trips any JSON-like tree with Dates, BigInts, Maps and undefined (property, seeded)', async () => {
    const leaf = fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.bigInt(), fc.date());
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node')),
        fc.dictionary(fc.string(), tie('node')),
        fc.array(fc.tuple(fc.string(), tie('node'))).map((entries) => new Map(entries)),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(tree, async (value) => {
        expect(await roundTrip(value)).toEqual(value);
      }),
      { seed: 24, numRuns: 200 },
    );
  });
});

describe('a handler with codec: typedCodec()', () => {
  it('replays a result with a Date, a Map and a BigInt deep-equal, with their types', async () => {
    let runs = 0;
    const result = { at: new Date('2026-12-05T08:00:00.000Z'), lines: new Map([['sku-1', 2n]]), refund: undefined };
    const handler = idempotent(
      async () => {
        runs++;
        return result;
      },
      { store: new MemoryStore(), key: (event: { id: string }) => event.id, codec: composeCodecs(typedCodec()), logger: recordingLogger() },
    );
    await handler({ id: 'order-1' }, lambdaContext());
    const replay = await handler({ id: 'order-1' }, lambdaContext());
    expect(runs).toBe(1);
    expect(replay).toEqual(result);
    expect(replay.at).toBeInstanceOf(Date);
    expect(replay.lines.get('sku-1')).toBe(2n);
  });
});
