import { RedisStore } from '../../../lib/idempotency/redis';
import { describeRecoveryPoints } from '../../support/recovery-point-scenarios';
import { CLIENT_KINDS, connectClient, inspector, uniquePrefix, type TestClient } from '../../support/redis';

// The shared recovery-point scenarios on the run's redis-server, through each client: RedisStore keeps steps built in.
for (const kind of CLIENT_KINDS) {
  const keyPrefix = uniquePrefix();
  let connection: TestClient;
  let admin: Awaited<ReturnType<typeof inspector>>;

  describeRecoveryPoints(`Redis (${kind})`, {
    setup: async () => {
      connection = await connectClient(kind);
      admin = await inspector();
      return new RedisStore({ client: connection.client, keyPrefix });
    },
    stored: async () => {
      const keys = (await admin.keys(`${keyPrefix}*`)).sort();
      return Promise.all(keys.map(async (key) => JSON.stringify([key, await admin.hGetAll(key)])));
    },
    teardown: async () => {
      await connection.close();
      admin.destroy();
    },
  });
}
