import { randomUUID } from 'node:crypto';
import { RedisStore } from 'lambda-idempotency/redis';
import { callPairsConcurrently } from '../../support/function-pairs-contract';
import { CLIENT_KINDS, connectClient, uniquePrefix } from '../../support/redis';

describe.each(CLIENT_KINDS)('idempotentFunction on RedisStore (%s)', (kind) => {
  it('runs a function keyed by two arguments once per pair across concurrent calls, and hands every call its pair’s result', async () => {
    const connection = await connectClient(kind);
    try {
      const store = new RedisStore({ client: connection.client, keyPrefix: uniquePrefix() });
      const { pairs, calls, runs, results } = await callPairsConcurrently(store, `charge-${randomUUID()}`);
      expect(runs.size).toBe(pairs.length);
      expect([...runs.values()]).toEqual(pairs.map(() => 1));
      results.forEach((result, index) => expect(result).toEqual({ pair: `${calls[index]![0]} ${calls[index]![1]}`, charged: 100 }));
    } finally {
      await connection.close();
    }
  });
});
