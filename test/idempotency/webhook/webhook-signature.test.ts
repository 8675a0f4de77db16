import crypto from 'node:crypto';
import {
  parseSignatureHeader,
  signWebhookPayload,
  verifyWebhookSignature,
  type SignatureCheck,
} from '../../../lib/idempotency/webhook/webhook-signature';

const SECRET = 'whsec_test_0123456789abcdef';
const OLD_SECRET = 'whsec_test_old_secret';
const T = 1_767_225_600; // 2026-01-01T00:00:00Z
const NOW_MS = T * 1000; // the fixed clock
const BODY = '{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"amount":1000}}}';

/** The spec, restated independently of the code under test: HMAC-SHA256 over `${t}.${body}`, in hex. */
const hmacHex = (secret: string, t: number | string, body: string) =>
  crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

const check = (header: string | undefined, overrides: Partial<SignatureCheck> = {}) =>
  verifyWebhookSignature({ header, body: BODY, secrets: [SECRET], toleranceSeconds: 300, nowMs: NOW_MS, ...overrides });

afterEach(() => jest.restoreAllMocks());

describe('signWebhookPayload', () => {
  it('produces t=<seconds>,v1=<HMAC-SHA256 of "t.body"> as Stripe does', () => {
    expect(signWebhookPayload(BODY, SECRET, T)).toBe(`t=${T},v1=${hmacHex(SECRET, T, BODY)}`);
  });

  it('signs a Buffer body and the same string alike', () => {
    expect(signWebhookPayload(Buffer.from(BODY), SECRET, T)).toBe(signWebhookPayload(BODY, SECRET, T));
  });

  it('refuses a timestamp that is not whole seconds', () => {
    expect(() => signWebhookPayload(BODY, SECRET, Date.now() + 0.5)).toThrow(TypeError);
  });
});

describe('parseSignatureHeader', () => {
  it('reads t and every v1, ignoring v0, unknown schemes, spaces and empty parts', () => {
    expect(parseSignatureHeader(` t=${T} , v1=aa,,v0=bb, v2=cc ,v1=dd`)).toEqual({
      header: { timestampText: String(T), timestamp: T, signatures: ['aa', 'dd'] },
    });
  });

  it.each([
    ['an empty value', '', 'no t= timestamp.'],
    ['no timestamp', 'v1=aa', 'no t= timestamp.'],
    ['no v1 signature', `t=${T},v0=aa`, 'no v1= signature.'],
    ['a timestamp in milliseconds with a fraction', `t=${T}.5,v1=aa`, 't= is not a whole number of unix seconds.'],
    ['a negative timestamp', `t=-${T},v1=aa`, 't= is not a whole number of unix seconds.'],
    ['two timestamps', `t=${T},t=${T + 1},v1=aa`, 'more than one t= timestamp.'],
    ['a part without =', `t=${T},v1aa`, '"v1aa" is not a name=value pair.'],
    ['a part without a name', `t=${T},=aa,v1=bb`, '"=aa" is not a name=value pair.'],
  ])('calls a header with %s malformed', (_case, header, reason) => {
    expect(parseSignatureHeader(header)).toEqual({ malformed: reason });
  });
});

describe('verifyWebhookSignature (fixed clock)', () => {
  const valid = signWebhookPayload(BODY, SECRET, T);

  it('accepts a signature made with the secret over the exact body', () => {
    expect(check(valid)).toEqual({ valid: true, timestamp: T });
  });

  it('refuses a body with one byte changed, and a signature with one hex digit changed', () => {
    expect(check(valid, { body: BODY.replace('1000', '1001') })).toMatchObject({ valid: false, reason: 'mismatch' });
    const flipped = valid.slice(0, -1) + (valid.endsWith('0') ? '1' : '0');
    expect(check(flipped)).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it('refuses a signature made with another secret', () => {
    expect(check(signWebhookPayload(BODY, 'whsec_someone_else', T))).toEqual({
      valid: false,
      reason: 'mismatch',
      detail: 'No v1 signature in the Stripe-Signature header matches the payload.',
    });
  });

  it('refuses a signature whose timestamp was rewritten (the timestamp is signed too)', () => {
    expect(check(`t=${T + 1},v1=${hmacHex(SECRET, T, BODY)}`)).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it('hashes t exactly as sent, so a zero-padded t signed as sent verifies', () => {
    expect(check(`t=0${T},v1=${hmacHex(SECRET, `0${T}`, BODY)}`)).toEqual({ valid: true, timestamp: T });
  });

  it('accepts any of several secrets, so a rotated secret keeps working', () => {
    expect(check(signWebhookPayload(BODY, OLD_SECRET, T), { secrets: [SECRET, OLD_SECRET] })).toEqual({ valid: true, timestamp: T });
  });

  it('accepts a header whose second v1 matches (the provider signs with the old and the new secret)', () => {
    const header = `t=${T},v1=${hmacHex('whsec_retired', T, BODY)},v1=${hmacHex(SECRET, T, BODY)},v0=${hmacHex('test-mode', T, BODY)}`;
    expect(check(header)).toEqual({ valid: true, timestamp: T });
  });

  it('ignores a matching v0: only v1 counts', () => {
    expect(check(`t=${T},v0=${hmacHex(SECRET, T, BODY)},v1=${'0'.repeat(64)}`)).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it.each([
    ['shorter', hmacHex(SECRET, T, BODY).slice(0, 63)],
    ['empty', ''],
    ['longer', hmacHex(SECRET, T, BODY) + 'ab'],
    ['twice as long', hmacHex(SECRET, T, BODY).repeat(2)],
    ['of the right length but not hex', 'z'.repeat(64)],
  ])('refuses a v1 that is %s without throwing', (_case, signature) => {
    expect(check(`t=${T},v1=${signature}`)).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it('compares every signature with every secret in constant time, on equal-length buffers, past a match', () => {
    // The module object itself (a namespace import would be a copy), so the library's calls are seen.
    const compare = jest.spyOn(jest.requireActual<typeof crypto>('node:crypto'), 'timingSafeEqual');
    const header = `t=${T},v1=${hmacHex(SECRET, T, BODY)},v1=${'ab'.repeat(32)},v1=short`;
    expect(check(header, { secrets: [SECRET, OLD_SECRET] })).toMatchObject({ valid: true });
    // 2 well-formed signatures x 2 secrets; the one that cannot be a digest is not compared at all.
    expect(compare).toHaveBeenCalledTimes(4);
    for (const [a, b] of compare.mock.calls) expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
  });

  it.each([
    ['accepts', 'exactly 300 s old', T + 300],
    ['accepts', 'exactly 300 s in the future', T - 300],
    ['refuses', '301 s old', T + 301],
    ['refuses', '301 s in the future', T - 301],
  ])('%s a timestamp %s', (verdict, _case, nowSeconds) => {
    const result = check(valid, { nowMs: nowSeconds * 1000 });
    if (verdict === 'accepts') expect(result).toEqual({ valid: true, timestamp: T });
    else expect(result).toMatchObject({ valid: false, reason: 'outside-tolerance' });
  });

  it('follows toleranceSeconds', () => {
    expect(check(valid, { nowMs: NOW_MS + 11_000, toleranceSeconds: 10 })).toMatchObject({ valid: false, reason: 'outside-tolerance' });
    expect(check(valid, { nowMs: NOW_MS + 10_000, toleranceSeconds: 10 })).toMatchObject({ valid: true });
  });

  it('checks the signature before the timestamp, so a forgery is told only that it is invalid', () => {
    expect(check(signWebhookPayload(BODY, 'whsec_forger', T - 3600))).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it('reports a missing and a malformed header with the header name', () => {
    expect(check(undefined, { headerName: 'X-Signature' })).toEqual({
      valid: false,
      reason: 'missing',
      detail: 'The request has no X-Signature header.',
    });
    expect(check('v1=abc')).toEqual({
      valid: false,
      reason: 'malformed',
      detail: 'The Stripe-Signature header is malformed: no t= timestamp.',
    });
  });
});
