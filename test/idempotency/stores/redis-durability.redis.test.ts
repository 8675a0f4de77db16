import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { RedisStore } from '../../../lib/idempotency/redis';
import { startRedisServer, type RedisServer } from '../../../lib/local/redis-server';
import { countCommands } from '../../support/counting-redis';
import { CLIENT_KINDS, connectClient, type TestClient } from '../../support/redis';

// These tests restart and flush a server, so each uses a private redis-server rather than the run's shared one.

const claimOf = (id: string) => {
  const now = Date.now();
  return { id, leaseToken: randomUUID(), leaseExpiresAt: now + 60_000, expiration: Math.floor(now / 1000) + 3_600, now };
};

describe.each(CLIENT_KINDS)('with %s', (kind) => {
  let server: RedisServer | undefined;
  let connection: TestClient | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await connection?.close();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    server = connection = dir = undefined;
  });

  it('sends a script whole once after the server flushed its cache, then calls it by SHA again', async () => {
    server = await startRedisServer();
    connection = await connectClient(kind, server.url);
    const counter = countCommands(connection.client);
    const store = new RedisStore({ client: counter.client });
    expect(await store.claim(claimOf(randomUUID()))).toEqual({ claimed: true });
    expect(counter.counts).toEqual({ evalsha: 1, eval: 1 }); // a new server has no scripts
    counter.reset();
    expect(await store.claim(claimOf(randomUUID()))).toEqual({ claimed: true });
    expect(counter.counts).toEqual({ evalsha: 1 });

    const admin = createClient({ url: server.url });
    await admin.connect();
    await admin.scriptFlush();
    admin.destroy();
    counter.reset();
    expect(await store.claim(claimOf(randomUUID()))).toEqual({ claimed: true });
    expect(counter.counts).toEqual({ evalsha: 1, eval: 1 });
  });

  it('without persistence, a restart forgets an acknowledged claim, so a duplicate claims the key again (the trade-off docs/redis.md states)', async () => {
    server = await startRedisServer();
    connection = await connectClient(kind, server.url);
    const store = new RedisStore({ client: connection.client });
    const id = randomUUID();
    expect(await store.claim(claimOf(id))).toEqual({ claimed: true });
    await server.stop('SIGKILL');
    server = await startRedisServer();
    await connection.close();
    connection = await connectClient(kind, server.url);
    const again = new RedisStore({ client: connection.client });
    expect(await again.claim(claimOf(id))).toEqual({ claimed: true });
  });

  it('with an append-only file fsynced on every write, an acknowledged claim survives a crash and holds the key', async () => {
    dir = await mkdtemp(join(tmpdir(), 'redis-aof-'));
    server = await startRedisServer({ aofDir: dir });
    connection = await connectClient(kind, server.url);
    const store = new RedisStore({ client: connection.client });
    const id = randomUUID();
    const first = claimOf(id);
    expect(await store.claim(first)).toEqual({ claimed: true });
    await server.stop('SIGKILL');
    server = await startRedisServer({ aofDir: dir }); // a new port: the data comes back from the file alone
    await connection.close();
    connection = await connectClient(kind, server.url);
    const again = new RedisStore({ client: connection.client });
    expect(await again.claim(claimOf(id))).toEqual({
      claimed: false,
      existing: expect.objectContaining({ status: 'IN_PROGRESS', leaseToken: first.leaseToken }),
    });
  });
});
