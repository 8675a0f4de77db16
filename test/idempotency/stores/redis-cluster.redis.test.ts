import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { idempotent, type ClaimRequest } from '../../../lib/idempotency';
import { RedisStore, type RedisClientLike } from '../../../lib/idempotency/redis';
import { lambdaContext } from '../../support/lambda-context';
import { startRedisCluster, type RedisCluster } from '../../support/redis-cluster';
import { recordingLogger } from '../../support/silent-logger';

// A real three-node Redis Cluster of its own (slots spread by redis-cli), for both cluster clients.
let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 60_000);
afterAll(() => cluster?.stop());

const claimOf = (): ClaimRequest => {
  const now = Date.now();
  return { id: randomUUID(), leaseToken: randomUUID(), leaseExpiresAt: now + 60_000, expiration: Math.floor(now / 1000) + 3_600, now };
};

const CLUSTER_CLIENTS = [
  [
    'node-redis createCluster',
    async () => {
      const client = createCluster({ rootNodes: cluster.nodes.map((node) => ({ url: node.url })) });
      client.on('error', () => undefined);
      await client.connect();
      return {
        client: client as RedisClientLike,
        twoKeyEval: (a: string, b: string) => client.eval('return 1', { keys: [a, b], arguments: [] }),
        close: () => client.destroy(),
      };
    },
  ],
  [
    'ioredis Cluster',
    async () => {
      const client = new Cluster(
        cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
        { lazyConnect: true },
      );
      client.on('error', () => undefined);
      await client.connect();
      return {
        client: client as RedisClientLike,
        twoKeyEval: (a: string, b: string) => client.eval('return 1', 2, a, b),
        close: () => client.disconnect(),
      };
    },
  ],
] as const;

describe.each(CLUSTER_CLIENTS)('RedisStore on a Redis Cluster through %s', (_name, connect) => {
  let connection: Awaited<ReturnType<(typeof CLUSTER_CLIENTS)[number][1]>>;
  let store: RedisStore;
  beforeAll(async () => {
    connection = await connect();
    store = new RedisStore({ client: connection.client, keyPrefix: `cluster:${randomUUID()}:` });
  });
  afterAll(() => connection.close());

  it('refuses a script over two keys in different slots (CROSSSLOT), so the test below means something', async () => {
    await expect(connection.twoKeyEval('a-key', 'another-key')).rejects.toThrow(/CROSSSLOT/);
  });

  it("claims, refuses, completes and releases 30 keys spread over the nodes, each call on its key's slot", async () => {
    const requests = Array.from({ length: 30 }, claimOf);
    for (const request of requests) expect(await store.claim(request)).toEqual({ claimed: true });
    for (const request of requests) {
      expect(await store.claim({ ...request, leaseToken: randomUUID() })).toMatchObject({
        claimed: false,
        existing: { leaseToken: request.leaseToken },
      });
    }
    const [toRelease, ...toComplete] = requests;
    expect(await store.release(toRelease!.id, toRelease!.leaseToken)).toEqual({ released: true });
    for (const request of toComplete) {
      expect(
        await store.complete({
          id: request.id,
          leaseToken: request.leaseToken,
          result: { encoding: 'json', data: `"${request.id}"` },
          expiration: request.expiration,
        }),
      ).toEqual({ completed: true });
    }
    expect(await store.get(toRelease!.id)).toBeUndefined();
    for (const request of toComplete)
      expect(await store.get(request.id)).toMatchObject({ status: 'COMPLETED', result: { data: `"${request.id}"` } });
  });

  it("stores, refuses and reads the steps of 30 requests spread over the nodes, each call on its step key's slot", async () => {
    const now = Date.now();
    const steps = Array.from({ length: 30 }, () => ({
      id: randomUUID(),
      result: { encoding: 'json', data: `"${randomUUID()}"` } as const,
      expiration: Math.floor(now / 1000) + 3_600,
      now,
    }));
    for (const step of steps) expect(await store.putStep(step)).toEqual({ stored: true });
    for (const step of steps) {
      expect(await store.putStep({ ...step, result: { encoding: 'json', data: '"second"' } })).toEqual({
        stored: false,
        existing: step.result,
      });
      expect(await store.getStep({ id: step.id, now })).toEqual(step.result);
    }
  });

  it('runs a handler of three steps on the cluster: a released error re-runs only the unfinished step', async () => {
    const effects = { reserve: 0, charge: 0, email: 0 };
    let mailDown = true;
    const handler = idempotent(
      async (event: { key: string }, _context, idem) => {
        const reservation = await idem.step('reserve', async () => `r-${++effects.reserve}`);
        const charge = await idem.step('charge', async () => `c-${++effects.charge}`);
        if (mailDown) throw new Error('the mail server is down');
        const email = await idem.step('email', async () => `e-${++effects.email}`);
        return { order: event.key, reservation, charge, email };
      },
      { store, key: (event) => event.key, operation: `steps-${randomUUID()}`, logger: recordingLogger() },
    );
    const key = randomUUID();
    await expect(handler({ key }, lambdaContext())).rejects.toThrow('the mail server is down');
    mailDown = false;
    expect(await handler({ key }, lambdaContext())).toEqual({ order: key, reservation: 'r-1', charge: 'c-1', email: 'e-1' });
    expect(effects).toEqual({ reserve: 1, charge: 1, email: 1 });
  });

  it('runs 20 keys × 10 concurrent duplicates as exactly 20 executions', async () => {
    const runs = new Map<string, number>();
    const handler = idempotent(
      async (event: { key: string }) => {
        runs.set(event.key, (runs.get(event.key) ?? 0) + 1);
        return { key: event.key };
      },
      { store, key: (event) => event.key, operation: `storm-${randomUUID()}`, logger: recordingLogger() },
    );
    const keys = Array.from({ length: 20 }, () => randomUUID());
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => handler({ key: keys[i % 20]! }, lambdaContext())));
    expect([...runs.values()]).toEqual(Array(20).fill(1));
    const answered = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ key: string }>[];
    for (const result of answered) expect(keys).toContain(result.value.key);
    expect(
      results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason?.code === 'IDEMPOTENCY_IN_PROGRESS'),
    ).toBe(true);
  });
});
