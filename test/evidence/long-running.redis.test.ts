import { RedisStore } from '../../lib/idempotency/redis';
import { describeLongRunning } from '../support/long-running-scenarios';
import { connectClient, uniquePrefix, type TestClient } from '../support/redis';

let connection: TestClient;
afterAll(() => connection.close());

describeLongRunning('RedisStore on redis-server', async () => {
  connection = await connectClient('ioredis');
  return new RedisStore({ client: connection.client, keyPrefix: uniquePrefix() });
});
