import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { RedisStore } from '../../../lib/idempotency/redis';
import { redisCommands } from '../../../lib/idempotency/stores/redis-client';
import {
  claimArgs,
  claimResultFromReply,
  completeArgs,
  EXPIRED_KEY_GRACE_MS,
  keyLifetimeMs,
  recordFromFields,
} from '../../../lib/idempotency/stores/redis-record';
import { CLAIM, COMPLETE, RELEASE } from '../../../lib/idempotency/stores/redis-scripts';

const NOW = 1_764_000_000_123;
const fakeClient = { evalsha: async () => 1, eval: async () => 1, hgetall: async () => ({}) };

describe('Redis record encoding (pure)', () => {
  it("keeps the key to the end of the second the record stops counting in, plus the grace, on the caller's clock", () => {
    expect(EXPIRED_KEY_GRACE_MS).toBe(60_000);
    expect(keyLifetimeMs(1_764_000_100, 1_764_000_000_123)).toBe(String(100_877 + 60_000));
    expect(Number(keyLifetimeMs(1_764_000_000, 1_764_000_000_000 + 86_400_000))).toBeLessThan(0); // long expired: Redis drops it
  });

  it('gives Redis a whole number of milliseconds when the clock reads fractions (PEXPIRE refuses anything else)', () => {
    // A `now` option such as performance.timeOrigin + performance.now() reads fractional milliseconds.
    const lifetime = keyLifetimeMs(1_764_000_100, 1_764_000_000_123.4);
    expect(lifetime).toMatch(/^-?\d+$/);
    expect(Number(lifetime)).toBe(100_877 + 60_000); // rounded up: the key never leaves before its record stops counting
  });

  it('sends claim arguments in the order the script reads them, the fingerprint last and only when given', () => {
    const request = { id: 'id', leaseToken: 't', leaseExpiresAt: NOW + 30_000, expiration: 1_764_086_400, now: NOW };
    expect(claimArgs(request)).toEqual(['t', String(NOW + 30_000), '1764086400', String(1_764_086_401_000 - NOW + 60_000), String(NOW)]);
    expect(claimArgs({ ...request, fingerprint: 'fp' })).toHaveLength(6);
  });

  it('stores gzip bytes as base64 and reads them back byte for byte', () => {
    const data = new Uint8Array([0x1f, 0x8b, 0, 255, 10]);
    const args = completeArgs({ id: 'id', leaseToken: 't', expiration: 100, result: { encoding: 'json-gzip', data } });
    expect(args).toEqual(['t', '100', 'json-gzip', Buffer.from(data).toString('base64')]);
    const record = recordFromFields('id', {
      status: 'COMPLETED',
      expiration: '100',
      resultEncoding: 'json-gzip',
      result: args[3]!,
      leaseToken: 't',
    });
    expect(record).toMatchObject({ status: 'COMPLETED', leaseToken: 't', result: { encoding: 'json-gzip', data } });
  });

  it('sends no result for `undefined` and `omitted`, and reads a completed record without one as such', () => {
    expect(completeArgs({ id: 'id', leaseToken: 't', expiration: 1, result: { encoding: 'omitted' } })).toHaveLength(3);
    expect(recordFromFields('id', { status: 'COMPLETED', expiration: '1', resultEncoding: 'undefined' })).toMatchObject({
      result: { encoding: 'undefined' },
    });
    expect(recordFromFields('id', { status: 'COMPLETED', expiration: '1', resultEncoding: 'json' })).toMatchObject({
      result: { encoding: 'omitted' },
    });
  });

  it('reads an empty or foreign hash as no record', () => {
    expect(recordFromFields('id', {})).toBeUndefined();
    expect(recordFromFields('id', { status: 'SOMETHING', expiration: '1' })).toBeUndefined();
    expect(recordFromFields('id', { status: 'IN_PROGRESS' })).toBeUndefined();
  });

  it("turns each claim reply into the store's result, and refuses a reply it does not know", () => {
    const holder = ['status', 'IN_PROGRESS', 'leaseToken', 'a', 'leaseExpiresAt', '5', 'expiration', '9', 'createdAt', '1'];
    expect(claimResultFromReply('id', ['claimed'])).toEqual({ claimed: true });
    expect(claimResultFromReply('id', ['retried'])).toEqual({ claimed: true });
    expect(claimResultFromReply('id', ['claimed', ...holder])).toMatchObject({ claimed: true, replaced: { leaseToken: 'a' } });
    expect(claimResultFromReply('id', ['held', ...holder])).toEqual({
      claimed: false,
      existing: {
        id: 'id',
        status: 'IN_PROGRESS',
        leaseToken: 'a',
        leaseExpiresAt: 5,
        expiration: 9,
        createdAt: 1,
        fingerprint: undefined,
      },
    });
    expect(() => claimResultFromReply('id', 1)).toThrow('Unexpected reply from the claim script');
    expect(() => claimResultFromReply('id', ['other'])).toThrow('Unexpected reply from the claim script');
  });
});

describe('Redis scripts', () => {
  it.each([CLAIM, COMPLETE, RELEASE])('$name touches only KEYS[1], so a cluster runs it on one slot', (script) => {
    expect(script.source.match(/KEYS\[\d+\]/g)?.every((key) => key === 'KEYS[1]')).toBe(true);
    expect(script.sha).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('RedisStore options', () => {
  it('refuses unknown options, naming them', () => {
    expect(() => new RedisStore({ client: fakeClient, prefix: 'x' } as never)).toThrow(
      new TypeError('Unknown option `prefix` for RedisStore'),
    );
  });

  it.each([
    [{ maxResultBytes: 0 }, 'Expected `maxResultBytes` to be a positive integer, got 0'],
    [{ maxResultBytes: 1.5 }, 'Expected `maxResultBytes` to be a positive integer, got 1.5'],
    [{ commandTimeoutMs: -1 }, 'Expected `commandTimeoutMs` to be a positive integer, got -1'],
    [{ keyPrefix: 5 }, 'Expected `keyPrefix` to be a string, got 5'],
  ])('refuses %p', (options, message) => {
    expect(() => new RedisStore({ client: fakeClient, ...(options as object) })).toThrow(new TypeError(message));
  });

  it('refuses a client that is neither node-redis nor ioredis', () => {
    expect(() => new RedisStore({ client: {} as never })).toThrow(/Expected `client` to be a connected node-redis or ioredis client/);
    expect(() => redisCommands(undefined as never)).toThrow(/got undefined/);
  });

  it('has the documented defaults', () => {
    const store = new RedisStore({ client: fakeClient });
    expect(store).toMatchObject({ keyPrefix: 'idempotency:', maxResultBytes: 1_048_576, commandTimeoutMs: undefined });
  });
});

describe('the Redis entry point', () => {
  const lib = join(__dirname, '../../../lib/idempotency');
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
    );

  it('is not reached from the root index, so a function on DynamoDB loads no Redis code', () => {
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const [, path] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) visit(`${join(dirname(file), path!)}.ts`);
    };
    visit(join(lib, 'index.ts'));
    expect(reached.size).toBeGreaterThan(10);
    // Relative to lib/: a checkout whose own path says redis (a worktree named for a Redis branch) must not match.
    expect([...reached].map((file) => relative(lib, file)).filter((file) => /redis/.test(file))).toEqual([]);
  });

  it('imports no Redis client package: the user brings their own', () => {
    const offenders = sources(lib).filter((file) =>
      /from ['"](redis|ioredis|iovalkey|@redis\/[^'"]+)['"]/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
