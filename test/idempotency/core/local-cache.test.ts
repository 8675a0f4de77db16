import { LocalCache } from '../../../lib/idempotency/core/local-cache';

const record = (id: string, expiration = 2_000_000_000) =>
  ({ id, status: 'COMPLETED', expiration, result: { encoding: 'json', data: `"${id}"` }, createdAt: 0 }) as const;
const now = 1_900_000_000_000;

describe('LocalCache (completed records in a warm container)', () => {
  it('evicts the least recently used record once it holds more than maxEntries', () => {
    const cache = new LocalCache(2);
    cache.set(record('a'));
    cache.set(record('b'));
    expect(cache.get('a', now)?.id).toBe('a'); // a is now the most recently used
    cache.set(record('c'));
    expect(cache.get('b', now)).toBeUndefined();
    expect(cache.get('a', now)?.id).toBe('a');
    expect(cache.get('c', now)?.id).toBe('c');
  });

  it('drops a record past its expiration instead of replaying it', () => {
    const cache = new LocalCache(10);
    cache.set(record('old', Math.floor(now / 1000) - 1));
    expect(cache.get('old', now)).toBeUndefined();
    cache.set(record('fresh', Math.floor(now / 1000)));
    expect(cache.get('fresh', now)?.id).toBe('fresh');
  });

  it('holds nothing with maxEntries 0', () => {
    const cache = new LocalCache(0);
    cache.set(record('a'));
    expect(cache.get('a', now)).toBeUndefined();
  });
});
