import { RedisStore } from '../../../lib/idempotency/redis';
import { CLIENT_KINDS, connectClient, uniquePrefix, type TestClient } from '../../support/redis';
import { describeStepContract, describeStoreContract } from '../../support/store-contract';

// The shared store contract, records and steps, unchanged, against the run's redis-server through each client.
const connections: TestClient[] = [];
afterAll(() => Promise.all(connections.map((connection) => connection.close())));

const connectedStore = (kind: (typeof CLIENT_KINDS)[number]) => async () => {
  const connection = await connectClient(kind);
  connections.push(connection);
  return new RedisStore({ client: connection.client, keyPrefix: uniquePrefix() });
};

for (const kind of CLIENT_KINDS) {
  describeStoreContract(`RedisStore (${kind})`, connectedStore(kind));
  describeStepContract(`RedisStore (${kind})`, connectedStore(kind));
}
