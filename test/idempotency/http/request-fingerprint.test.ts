import { createHash } from 'node:crypto';
import { MAX_DEPTH } from '../../../lib/idempotency/core/canonical-json-text';
import type { HttpRequest } from '../../../lib/idempotency/http/http-event';
import { requestFingerprint } from '../../../lib/idempotency/http/request-fingerprint';

function request(body: string | Buffer, contentType = 'application/json'): HttpRequest {
  return {
    method: 'POST',
    route: '/payments',
    headers: new Map([['content-type', [contentType]]]),
    pathParameters: { id: 'p1' },
    query: new Map([
      ['b', ['2']],
      ['a', ['1']],
    ]),
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  };
}

const fingerprint = (body: string | Buffer, contentType?: string) => requestFingerprint(request(body, contentType));

describe('requestFingerprint', () => {
  it('is the fingerprint the earlier versions stored, for an ordinary JSON body', () => {
    // What was hashed before: JSON.stringify of the parsed request, members sorted by a replacer.
    const sorted = (_key: string, item: unknown) =>
      item === null || typeof item !== 'object' || Array.isArray(item)
        ? item
        : Object.fromEntries(
            Object.keys(item)
              .sort()
              .map((name) => [name, (item as Record<string, unknown>)[name]]),
          );
    const body = '{"currency":"EUR","amount":1000,"meta":{"z":[1,2.5,"é"],"a":null}}';
    const before = JSON.stringify(
      {
        method: 'POST',
        route: '/payments',
        pathParameters: { id: 'p1' },
        query: [
          ['a', ['1']],
          ['b', ['2']],
        ],
        body: { json: JSON.parse(body) },
      },
      sorted,
    );
    expect(fingerprint(body)).toBe(createHash('sha256').update(before).digest('hex'));
  });

  it('compares +json bodies as JSON, and other bodies byte for byte', () => {
    expect(fingerprint('{"a":1,"b":2}', 'application/problem+json')).toBe(fingerprint('{ "b": 2, "a": 1 }', 'application/problem+json'));
    expect(fingerprint('{"a":1,"b":2}', 'text/plain')).not.toBe(fingerprint('{ "b": 2, "a": 1 }', 'text/plain'));
  });

  it('fingerprints a body that is not UTF-8 as its bytes, so two such bodies never meet', () => {
    const ff = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]);
    const fe = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xfe, 0x22, 0x7d]);
    expect(ff.toString('utf8')).toBe(fe.toString('utf8')); // a lossy decoding makes them one
    expect(fingerprint(ff)).not.toBe(fingerprint(fe));
    expect(fingerprint(ff)).toBe(fingerprint(Buffer.from(ff)));
    expect(fingerprint(ff)).not.toBe(fingerprint('{"a":"\ufffd"}'));
  });

  it('keeps a byte order mark: such a body is not JSON to JSON.parse, so it is compared as bytes', () => {
    expect(fingerprint('\ufeff{"a":1}')).not.toBe(fingerprint('{"a":1}'));
    expect(fingerprint('\ufeff{"a":1}')).toBe(fingerprint('\ufeff{"a":1}'));
  });

  it(`compares JSON deeper than ${MAX_DEPTH} levels byte for byte: the same bytes are the same request`, () => {
    const deep = (space: string) => `${'['.repeat(MAX_DEPTH + 1)}${space}1${']'.repeat(MAX_DEPTH + 1)}`;
    expect(fingerprint(deep(''))).toBe(fingerprint(deep('')));
    expect(fingerprint(deep(' '))).not.toBe(fingerprint(deep('')));
    expect(fingerprint(`${'['.repeat(MAX_DEPTH)} 1${']'.repeat(MAX_DEPTH)}`)).toBe(
      fingerprint(`${'['.repeat(MAX_DEPTH)}1${']'.repeat(MAX_DEPTH)}`),
    );
  });

  it('treats an empty body as no body', () => {
    expect(fingerprint('')).toBe(fingerprint(Buffer.alloc(0)));
    expect(fingerprint('')).not.toBe(fingerprint('null'));
  });
});
