import { RedisStore } from '../../../lib/idempotency/redis';
import { CLIENT_KINDS, connectClient, uniquePrefix, type TestClient } from '../../support/redis';
import { describeStoreContract } from '../../support/store-contract';

// The shared store contract, unchanged, against the run's redis-server through each client.
const connections: TestClient[] = [];
afterAll(() => Promise.all(connections.map((connection) => connection.close())));

for (const kind of CLIENT_KINDS) {
  describeStoreContract(`RedisStore (${kind})`, async () => {
    const connection = await connectClient(kind);
    connections.push(connection);
    return new RedisStore({ client: connection.client, keyPrefix: uniquePrefix() });
  });
}
