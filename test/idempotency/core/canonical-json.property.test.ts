import fc from 'fast-check';
import { canonicalJson } from '../../../lib/idempotency/core/canonical-json';
import { canonicalJsonText, MAX_DEPTH } from '../../../lib/idempotency/core/canonical-json-text';
import { requestFingerprint } from '../../../lib/idempotency/http/request-fingerprint';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Pick = <T>(options: readonly T[]) => T;

/** An object with exactly these own members: `__proto__` included as a member, as JSON.parse makes it. */
function object(entries: [string, Json][]): { [key: string]: Json } {
  const result: { [key: string]: Json } = {};
  for (const [key, value] of entries) Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
  return result;
}

const hostileKey = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', '', 'a', 'A', '\u20ac', '\ud83d\ude00'),
);
const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 0.1, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const { json } = fc.letrec<{ json: Json; array: Json[]; object: { [key: string]: Json } }>((tie) => ({
  json: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('json'), { maxLength: 4 }),
  object: fc.array(fc.tuple(hostileKey, tie('json')), { maxLength: 4 }).map(object),
}));

/** Structural equality of JSON values, the reference: members as a set, numbers by value (-0 is 0). */
function jsonEqual(a: Json, b: Json): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]!));
  const [keysA, keysB] = [Object.keys(a).sort(), Object.keys(b).sort()];
  const objectA = a as { [key: string]: Json };
  const objectB = b as { [key: string]: Json };
  return keysA.length === keysB.length && keysA.every((key, i) => key === keysB[i] && jsonEqual(objectA[key]!, objectB[key]!));
}

/** RFC 8785 as written, recursively (fine at these depths): the reference for ordinary JSON. */
function jcs(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${jcs(value[key]!)}`)
    .join(',')}}`;
}

const SPACE = ['', ' ', '\n', '\t', '\r\n  '];

/** Another spelling of the same decimal value as `String(value)`: exponent, padding zeros, capital E. */
function spell(value: number, pick: Pick): string {
  const shortest = String(value);
  if (value === 0) return pick(['0', '-0', '0.0', '0e5', '-0.000E-3']);
  const [, sign = '', digits = '', fraction = '', exponent = '0'] = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(shortest)!;
  const mantissa = (digits + fraction).replace(/^0+(?=\d)/, ''); // JSON allows no leading zero
  const scale = Number(exponent) - fraction.length;
  return pick([
    shortest,
    `${sign}${mantissa}e${scale}`,
    `${sign}${mantissa}00E${scale - 2}`,
    `${sign}${mantissa}e+${scale}`.replace('e+-', 'e-'),
    `${sign}0.${mantissa}e${scale + mantissa.length}`,
  ]);
}

/** A string token with some code units written as \u escapes, which JSON.parse reads back the same. */
function spellString(value: string, pick: Pick): string {
  let text = '"';
  for (let i = 0; i < value.length; i++) {
    text += pick([JSON.stringify(value[i]).slice(1, -1), `\\u${value.charCodeAt(i).toString(16).padStart(4, '0')}`]);
  }
  return `${text}"`;
}

/** The value as JSON text, with members in another order, other spaces and other spellings. */
function render(value: Json, pick: Pick): string {
  const space = () => pick(SPACE);
  if (typeof value === 'number') return spell(value, pick);
  if (typeof value === 'string') return spellString(value, pick);
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${space()}${value.map((item) => render(item, pick)).join(`${space()},${space()}`)}${space()}]`;
  const keys = Object.keys(value);
  const order = keys
    .map((key) => [pick([0, 1, 2, 3, 4, 5, 6, 7]), key] as const)
    .sort((x, y) => x[0] - y[0])
    .map(([, key]) => key);
  return `{${space()}${order.map((key) => `${spellString(key, pick)}${space()}:${space()}${render(value[key]!, pick)}`).join(`${space()},`)}${space()}}`;
}

/** The value with one thing changed: a leaf, a member added, dropped or renamed. Never JSON-equal to it. */
function mutate(value: Json, pick: Pick): Json {
  if (typeof value === 'number') return pick<Json>([null, String(value), value === 0 ? 1 : -value]);
  if (typeof value === 'string') return pick<Json>([`${value}x`, value.length === 0 ? 'a' : value.slice(1), null]);
  if (value === null) return pick<Json>([0, false, '', []]);
  if (typeof value === 'boolean') return !value;
  if (Array.isArray(value)) {
    if (value.length === 0) return [null];
    const index = pick(value.map((_, i) => i));
    return pick([
      () => value.map((item, i) => (i === index ? mutate(item, pick) : item)),
      () => [...value, null],
      () => value.filter((_, i) => i !== index),
    ])();
  }
  const keys = Object.keys(value);
  const entries = keys.map((key) => [key, value[key]!] as [string, Json]);
  const fresh = (base: string) => {
    let key = base;
    while (keys.includes(key)) key += '+';
    return key;
  };
  if (keys.length === 0) return object([['__proto__', null]]);
  const target = pick(keys);
  return pick([
    () => object(entries.map(([key, item]) => [key, key === target ? mutate(item, pick) : item])),
    () => object(entries.map(([key, item]) => [key === target ? fresh(`${target}_`) : key, item])),
    () => object(entries.filter(([key]) => key !== target)),
    () => object([...entries, [fresh('__proto__'), 1]]),
  ])();
}

const picker =
  (g: fc.GeneratorValue): Pick =>
  (options) =>
    options[g(fc.nat, { max: options.length - 1 })]!;

const jsonRequest = (body: string) => ({
  method: 'POST',
  route: '/payments',
  headers: new Map([['content-type', ['application/json']]]),
  pathParameters: {},
  query: new Map<string, string[]>(),
  body: Buffer.from(body, 'utf8'),
});

describe('canonical JSON, property by property', () => {
  it('gives equal JSON one form and one fingerprint, however its members are ordered, spaced and spelt', () => {
    fc.assert(
      fc.property(json, fc.gen(), (value, g) => {
        const pick = picker(g);
        const [one, other] = [render(value, pick), render(value, pick)];
        expect(jsonEqual(JSON.parse(one), JSON.parse(other))).toBe(true); // the renderer's own check
        expect(canonicalJsonText(one)).toBe(canonicalJson(value));
        expect(canonicalJsonText(other)).toBe(canonicalJson(value));
        expect(requestFingerprint(jsonRequest(one))).toBe(requestFingerprint(jsonRequest(other)));
      }),
    );
  });

  it('gives different JSON different forms: equal forms exactly when the values are equal', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(canonicalJsonText(JSON.stringify(a)) === canonicalJsonText(JSON.stringify(b))).toBe(jsonEqual(a, b));
      }),
    );
  });

  it('gives a changed body another form and another fingerprint, even one change deep inside', () => {
    fc.assert(
      fc.property(json, fc.gen(), (value, g) => {
        const pick = picker(g);
        const changed = mutate(value, pick);
        expect(jsonEqual(value, changed)).toBe(false);
        expect(canonicalJsonText(render(changed, pick))).not.toBe(canonicalJsonText(render(value, pick)));
        expect(requestFingerprint(jsonRequest(render(changed, pick)))).not.toBe(requestFingerprint(jsonRequest(render(value, pick))));
      }),
    );
  });

  it('writes ordinary JSON as RFC 8785 does, and as the fingerprints stored before it were made', () => {
    const legacy = (value: Json) =>
      JSON.stringify(value, (_key, item: unknown) =>
        item === null || typeof item !== 'object' || Array.isArray(item)
          ? item
          : Object.fromEntries(
              Object.keys(item)
                .sort()
                .map((name) => [name, (item as Record<string, unknown>)[name]]),
            ),
      );
    fc.assert(
      fc.property(json, (value) => {
        fc.pre(!JSON.stringify(value).includes('"__proto__"')); // the one shape the old form got wrong
        const text = JSON.stringify(value);
        expect(canonicalJsonText(text)).toBe(jcs(value));
        expect(canonicalJsonText(text)).toBe(legacy(value));
      }),
    );
  });
});

describe('deep and hostile shapes', () => {
  const container = fc.oneof(
    fc.constant(['[', ']'] as const),
    hostileKey.map((key) => [`{${JSON.stringify(key)}:`, '}'] as const),
  );
  const hostileLeaf = fc.constantFrom(
    'null',
    '1e400',
    '-1e400',
    '1e-400',
    '0',
    '-0',
    '9007199254740993',
    '9007199254740992',
    '1.7976931348623157e309',
    '"\\u0000"',
    '"\\ud800"',
    '{"__proto__":{"x":1}}',
    '{"__proto__":{"x":2}}',
    '{"a":1,"a":2}',
    '{"a":2,"a":1}',
    '[]',
    '{}',
    '""',
  );
  const ZEROS = ['0', '-0'];
  const deep = fc.record({
    levels: fc.array(container, { minLength: 1, maxLength: MAX_DEPTH, size: 'max' }),
    leaf: hostileLeaf,
    other: hostileLeaf,
  });

  it('canonicalises any nesting up to MAX_DEPTH, spaced or not, and tells hostile leaves apart', () => {
    fc.assert(
      fc.property(deep, fc.gen(), ({ levels, leaf: inner, other }, g) => {
        const pick = picker(g);
        const wrap = (value: string, spaced: boolean) => {
          const space = () => (spaced ? pick(SPACE) : '');
          return (
            levels.map(([open]) => open + space()).join('') +
            value +
            levels
              .map(([, close]) => space() + close)
              .reverse()
              .join('')
          );
        };
        const compact = canonicalJsonText(wrap(inner, false));
        expect(compact).toBeDefined();
        expect(canonicalJsonText(wrap(inner, true))).toBe(compact);
        const sameValue = inner === other || (ZEROS.includes(inner) && ZEROS.includes(other)); // -0 is 0, nothing else is alike
        expect(canonicalJsonText(wrap(other, true)) === compact).toBe(sameValue);
      }),
      { numRuns: 50 },
    );
  });

  it('leaves anything deeper than MAX_DEPTH to the byte comparison, without throwing', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_DEPTH + 1, max: 50_000 }), hostileLeaf, (depth, inner) => {
        expect(canonicalJsonText('['.repeat(depth) + inner + ']'.repeat(depth))).toBeUndefined();
      }),
      { numRuns: 20 },
    );
  });
});
