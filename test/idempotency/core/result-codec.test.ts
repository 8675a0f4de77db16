import { COMPRESS_ABOVE_BYTES, decodeResult, encodeResult } from '../../../lib/idempotency/core/result-codec';

describe('result codec', () => {
  it('keeps small results as JSON text and undefined as undefined', () => {
    expect(encodeResult({ a: 1 }, 1_000)).toEqual({ encoding: 'json', data: '{"a":1}' });
    expect(encodeResult(undefined, 1_000)).toEqual({ encoding: 'undefined' });
  });

  it('compresses results above the threshold and decodes them back', () => {
    const big = { text: 'x'.repeat(COMPRESS_ABOVE_BYTES + 1) };
    const encoded = encodeResult(big, 400_000);
    expect(encoded.encoding).toBe('json-gzip');
    expect(decodeResult(encoded as Exclude<typeof encoded, { encoding: 'omitted' }>)).toEqual(big);
  });

  it('omits a result that does not fit even compressed', () => {
    const random = Array.from({ length: 5_000 }, () => Math.random().toString(36)).join('');
    expect(encodeResult(random, 1_000)).toEqual({ encoding: 'omitted' });
  });

  it('throws on a result JSON cannot represent, which the engine stores as omitted', () => {
    expect(() => encodeResult({ big: 1n }, 1_000)).toThrow(TypeError);
  });
});
