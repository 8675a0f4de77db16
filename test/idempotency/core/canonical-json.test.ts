import { canonicalJson } from '../../../lib/idempotency/core/canonical-json';
import { canonicalJsonText, MAX_DEPTH } from '../../../lib/idempotency/core/canonical-json-text';
import { canonicalNumber } from '../../../lib/idempotency/core/canonical-number';
import { fingerprintOf } from '../../../lib/idempotency/core/scoped-key';

const nested = (depth: number, open: string, leaf: string, close: string) => open.repeat(depth) + leaf + close.repeat(depth);

describe('canonicalJson (values)', () => {
  it('sorts object members by UTF-16 code units at every depth, as RFC 8785 does', () => {
    // RFC 8785 §3.2.3's own sorting example: "\u20ac" (€), "\r", "\ufb33", "1", "\ud83d\ude00" (😀), "\u0080", "\u00f6" (ö).
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });

  it('writes what JSON.stringify writes for ordinary values, so stored fingerprints stay valid', () => {
    const value = {
      amount: 1000,
      note: 'é "q"\n',
      tags: ['a', true, false, null, 1.5, -0, 1e21, 5e-324],
      when: new Date(0),
      skip: undefined,
      fn: () => 1,
    };
    const legacy = JSON.stringify(value, (_key, item: unknown) =>
      item === null || typeof item !== 'object' || Array.isArray(item)
        ? item
        : Object.fromEntries(
            Object.keys(item)
              .sort()
              .map((name) => [name, (item as Record<string, unknown>)[name]]),
          ),
    );
    expect(canonicalJson(value)).toBe(legacy);
    expect(canonicalJson([undefined, () => 1, Symbol('s')])).toBe('[null,null,null]');
    expect(canonicalJson(undefined)).toBeUndefined();
  });

  it('counts own members only: `__proto__` is a member, inherited ones are not', () => {
    const withProto = JSON.parse('{"__proto__":{"x":1},"a":1}');
    expect(canonicalJson(withProto)).toBe('{"__proto__":{"x":1},"a":1}');
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":2}}'))).not.toBe(canonicalJson(JSON.parse('{"__proto__":{"x":1}}')));
    const inherited = Object.create({ hidden: 1 }) as Record<string, unknown>;
    inherited.own = 2;
    expect(canonicalJson(inherited)).toBe('{"own":2}');
  });

  it('never writes a non-finite number or a BigInt as null or as another number', () => {
    expect(canonicalJson([NaN, Infinity, -Infinity, null])).toBe('[NaN,Infinity,-Infinity,null]');
    expect(canonicalJson(2n ** 64n)).toBe('#18446744073709551616e0');
    expect(canonicalJson(10n)).toBe('10');
    expect(fingerprintOf({ a: Infinity })).not.toBe(fingerprintOf({ a: null }));
  });

  it('unwraps boxed primitives and honours toJSON, as JSON.stringify does', () => {
    expect(canonicalJson([new Number(1), new String('s'), new Boolean(false), { toJSON: (key: string) => `key ${key}` }])).toBe(
      '[1,"s",false,"key 3"]',
    );
  });

  it('fingerprints a Map and a Set by their content, whatever their order, never as an empty object', () => {
    const one = new Map<string, unknown>([['acct-1', 100n]]);
    expect(canonicalJson(one)).not.toBe(canonicalJson(new Map([['acct-2', 999_999n]])));
    expect(canonicalJson(one)).not.toBe(canonicalJson({}));
    expect(
      canonicalJson(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      ),
    ).toBe(
      canonicalJson(
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
      ),
    );
    expect(canonicalJson(new Set([1, 2]))).toBe(canonicalJson(new Set([2, 1])));
    expect(canonicalJson(new Set([1, 2]))).not.toBe(canonicalJson(new Set([1, 3])));
    expect(canonicalJson(new Set([1]))).not.toBe(canonicalJson(new Map([[1, 1]])));
    expect(canonicalJson({ nested: new Map([[{ id: 1 }, new Set(['x'])]]) })).not.toBe(
      canonicalJson({ nested: new Map([[{ id: 1 }, new Set(['y'])]]) }),
    );
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { k: deep };
    const text = canonicalJson(deep)!;
    // 50,000 × `[{"k":` before the leaf and 50,000 × `}]` after it (compared as booleans: no megabyte diffs).
    expect(text.length).toBe(300_000 + 6 + 100_000);
    expect(text.startsWith('[{"k":'.repeat(50_000) + '"leaf"')).toBe(true);
    expect(text.endsWith('"leaf"' + '}]'.repeat(50_000))).toBe(true);
  });

  it('refuses a cycle with a TypeError, and accepts the same object twice side by side', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(TypeError);
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});

describe('canonicalJsonText (a body as sent)', () => {
  it('equals the canonical form of the parsed value for ordinary JSON, whatever its spacing and order', () => {
    const text = ' {\r\n\t"b" : [ 1 , 2.50 , {"d":null, "c" :true} ] ,"a":"\\u00e9\\n" } ';
    expect(canonicalJsonText(text)).toBe(canonicalJson(JSON.parse(text)));
    expect(canonicalJsonText(text)).toBe('{"a":"é\\n","b":[1,2.5,{"c":true,"d":null}]}');
  });

  it('keeps `__proto__` as a member, so a changed one is a changed body', () => {
    expect(canonicalJsonText('{"__proto__":{"x":1}}')).toBe('{"__proto__":{"x":1}}');
    expect(canonicalJsonText('{"__proto__":{"x":1}}')).not.toBe(canonicalJsonText('{"__proto__":{"x":2}}'));
    expect(canonicalJsonText('{"__proto__":{"x":1}}')).not.toBe(canonicalJsonText('{}'));
  });

  it('counts every member: a repeated name stays, in document order', () => {
    expect(canonicalJsonText('{"b":0,"a":1,"a":2}')).toBe('{"a":1,"a":2,"b":0}');
    expect(canonicalJsonText('{"a":1,"a":2}')).not.toBe(canonicalJsonText('{"a":2,"a":1}'));
    expect(canonicalJsonText('{"a":1,"a":2}')).not.toBe(canonicalJsonText('{"a":2}'));
  });

  it('keeps numbers exact: 1e400 is not null, and integers past 2^53 stay apart', () => {
    const [overflow, alsoOverflow, nothing, tiny, zero] = ['1e400', '1e500', 'null', '1e-400', '0'].map((text) => canonicalJsonText(text));
    expect(new Set([overflow, alsoOverflow, nothing, tiny, zero]).size).toBe(5);
    expect(canonicalJsonText('9007199254740993')).not.toBe(canonicalJsonText('9007199254740992'));
    expect(canonicalJsonText('[1.0, 1e0, 10e-1, 0.1e1, -0, 0.0e7]')).toBe('[1,1,1,1,0,0]');
    expect(canonicalJsonText('1000000000000000000000')).toBe('1e+21');
  });

  it('is undefined for text JSON.parse refuses', () => {
    for (const text of [
      '',
      ' ',
      '{',
      '[1,]',
      '{"a":1,}',
      '{"a" 1}',
      '01',
      '1.',
      '.5',
      '+1',
      '-',
      'tru',
      'nul',
      '"abc',
      '"a\\x"',
      '"tab\there"',
      "{'a':1}",
      '[1 2]',
      '1 2',
      '\ufeff{}',
      'NaN',
      'Infinity',
    ]) {
      expect(() => JSON.parse(text)).toThrow();
      expect(canonicalJsonText(text)).toBeUndefined();
    }
  });

  it('reads escapes and lone surrogates as JSON.parse does', () => {
    for (const text of ['"a\\"b"', '"a\\\\"', '"\\\\\\""', '"\\ud800"', '"\\udc00\\ud800"', '"\\/\\b\\f\\n\\r\\t\\u0000"', '"😀"']) {
      expect(canonicalJsonText(text)).toBe(JSON.stringify(JSON.parse(text)));
    }
  });

  // The depths the recursive canonicalisation failed at (about 2,500 arrays, 4,500 objects), the most
  // that is canonicalised, one more, and a body of API Gateway's size.
  it.each([
    ['2,500 nested arrays', nested(2_500, '[', '1', ']'), undefined],
    ['4,500 nested objects', nested(4_500, '{"a":', '1', '}'), undefined],
    [`${MAX_DEPTH} nested arrays`, nested(MAX_DEPTH, '[', '1', ']'), nested(MAX_DEPTH, '[', '1', ']')],
    [`${MAX_DEPTH} nested objects, respaced`, nested(MAX_DEPTH, '{ "a" : ', '1', ' }'), nested(MAX_DEPTH, '{"a":', '1', '}')],
    [`${MAX_DEPTH + 1} nested arrays`, nested(MAX_DEPTH + 1, '[', '', ']'), undefined],
    ['5 MB of nested arrays', nested(2_500_000, '[', '', ']'), undefined],
  ])('%s: canonicalised up to MAX_DEPTH, and past it left to the byte comparison, never a throw', (_name, text, expected) => {
    expect(canonicalJsonText(text)).toBe(expected);
  });
});

describe('canonicalNumber', () => {
  it.each([
    ['0', '0'],
    ['-0', '0'],
    ['-0.0e-5', '0'],
    ['123', '123'],
    ['1.50', '1.5'],
    ['15e-1', '1.5'],
    ['0.1', '0.1'],
    ['1E2', '100'],
    ['1e+21', '1e+21'],
    ['5e-324', '5e-324'],
    ['0.30000000000000004', '0.30000000000000004'],
    ['1e400', '#1e400'],
    ['-1e400', '#-1e400'],
    ['1e-400', '#1e-400'],
    ['9007199254740993', '#9007199254740993e0'],
    ['1e99999999999999999999', '#1e99999999999999999999+0'],
    ['10e99999999999999999999', '#1e99999999999999999999+1'],
  ])('%s → %s', (literal, expected) => {
    expect(canonicalNumber(literal)).toBe(expected);
  });
});
