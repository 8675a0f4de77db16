import { setTimeout as sleep } from 'node:timers/promises';
import { idempotentFunction, type IdempotencyStore } from '../../lib/idempotency';
import { mapConcurrently } from './concurrency';
import { recordingLogger } from './silent-logger';

/**
 * A function keyed by two of its arguments, called concurrently: every (url, order) pair runs exactly once and every
 * call of a pair gets that run's result, whatever the interleaving. Shared by the DynamoDB Local and Redis suites.
 */
export async function callPairsConcurrently(store: IdempotencyStore, operation: string) {
  const runs = new Map<string, number>();
  const post = idempotentFunction(
    async (url: string, order: { id: string; amount: number }) => {
      const pair = `${url} ${order.id}`;
      runs.set(pair, (runs.get(pair) ?? 0) + 1);
      await sleep(30); // long enough for the duplicates to find the key in flight
      return { pair, charged: order.amount };
    },
    {
      store,
      operation,
      key: (url, order) => [url, order.id],
      fingerprint: (_url, order) => order.amount,
      inFlightWaitMs: 20_000,
      logger: recordingLogger(),
    },
  );
  const pairs = ['https://a/charge', 'https://b/charge'].flatMap((url) => ['o-1', 'o-2', 'o-3'].map((id) => [url, id] as const));
  const calls = pairs.flatMap((pair) => Array.from({ length: 6 }, () => pair));
  const results = await mapConcurrently(calls, calls.length, ([url, id]) => post(url, { id, amount: 100 }));
  return { pairs, calls, runs, results };
}
