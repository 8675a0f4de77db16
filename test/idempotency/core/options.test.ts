import {
  idempotent,
  idempotentHttp,
  idempotentMiddleware,
  idempotentSqs,
  idempotentWebhook,
  type IdempotentOptions,
} from '../../../lib/idempotency';
import { MemoryStore } from '../../../lib/idempotency/testing';

const handler = async () => 'ok';
const valid: IdempotentOptions<{ key?: string }> = { store: new MemoryStore(), key: (e) => e.key };

describe('options are validated when the handler is wrapped', () => {
  it.each([
    ['expiresAfterSeconds', -1, 'Expected `expiresAfterSeconds` to be a positive integer, got -1'],
    ['expiresAfterSeconds', 1.5, 'Expected `expiresAfterSeconds` to be a positive integer, got 1.5'],
    ['leaseMarginMs', -5, 'Expected `leaseMarginMs` to be a non-negative integer, got -5'],
    ['maxLeaseMs', 0, 'Expected `maxLeaseMs` to be a positive integer, got 0'],
    ['leaseWithoutContextMs', '60s', 'Expected `leaseWithoutContextMs` to be a positive integer, got "60s"'],
    ['inFlightWaitMs', Number.NaN, 'Expected `inFlightWaitMs` to be a non-negative integer, got NaN'],
    ['operation', '', 'Expected `operation` to be a non-empty string, got ""'],
    ['key', 'Idempotency-Key', 'Expected `key` to be a function, got "Idempotency-Key"'],
    ['scope', 'tenant', 'Expected `scope` to be a function, got "tenant"'],
    ['fingerprint', true, 'Expected `fingerprint` to be a function, got true'],
    ['missingKey', 'allow', "Expected `missingKey` to be 'reject' or 'run-without-idempotency', got \"allow\""],
    ['localCache', { maxEntries: 0 }, 'Expected `localCache.maxEntries` to be a positive integer, got 0'],
    ['localCache', 'yes', 'Expected `localCache` to be a boolean or { maxEntries }, got "yes"'],
    ['store', {}, 'Expected `store` to be an IdempotencyStore (DynamoDbStore or MemoryStore), got an object'],
    ['logger', { info: () => undefined }, 'Expected `logger` to have a warn method, got an object'],
  ])('throws a TypeError naming `%s` for %p', (name, value, message) => {
    expect(() => idempotent(handler, { ...valid, [name]: value })).toThrow(new TypeError(message));
  });

  it('throws when options are missing altogether', () => {
    expect(() => idempotent(handler, undefined as never)).toThrow(new TypeError('Expected options to be an object, got undefined'));
  });

  it('accepts every option at its documented bounds', () => {
    expect(() =>
      idempotent(handler, {
        ...valid,
        leaseMarginMs: 0,
        inFlightWaitMs: 0,
        localCache: { maxEntries: 1 },
        missingKey: 'run-without-idempotency',
      }),
    ).not.toThrow();
  });
});

describe('unknown option keys', () => {
  const store = new MemoryStore();
  it('are refused at wrap time, naming the closest valid option (a plain-JavaScript typo changes nothing otherwise)', () => {
    expect(() => idempotent(async () => 1, { store, inflightWaitMs: 0 } as never)).toThrow(
      new TypeError('Unknown option `inflightWaitMs` for idempotent; did you mean `inFlightWaitMs`?'),
    );
    expect(() => idempotentHttp(async () => ({ statusCode: 200 }), { store, method: ['POST'] } as never)).toThrow(
      'Unknown option `method` for idempotentHttp; did you mean `methods`?',
    );
    expect(() => idempotentSqs(async () => 1, { store, fifo: 'x' } as never)).toThrow(/^Unknown option `fifo` for idempotentSqs/);
    expect(() => idempotentMiddleware({ store, keys: () => 'k' } as never)).toThrow(
      'Unknown option `keys` for idempotentMiddleware; did you mean `key`?',
    );
    expect(() => idempotentWebhook(async () => undefined, { store, secret: 's', tolerance: 1 } as never)).toThrow(
      /^Unknown option `tolerance` for idempotentWebhook/,
    );
  });

  it('without a near name, say so without guessing', () => {
    expect(() => idempotent(async () => 1, { store, somethingElseEntirely: true } as never)).toThrow(
      new TypeError('Unknown option `somethingElseEntirely` for idempotent'),
    );
  });
});
