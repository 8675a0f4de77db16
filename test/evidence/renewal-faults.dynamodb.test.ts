import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ErrorCode } from '../../lib/idempotency';
import { DynamoDbStore } from '../../lib/idempotency/dynamodb';
import { LOCAL_CLIENT_CONFIG } from '../../lib/local/dynamodb-local';
import { freshIdempotencyTable, localEndpoint, testClient } from '../support/dynamodb';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { outageUntilLeaseEnd, renewalWithLostAnswer } from '../support/long-running-scenarios';

/**
 * Renewals on the wire, between the real SDK and DynamoDB Local: an answer lost after the renewal landed (the
 * SDK's retry must count as renewed, not as a lost lease), and an outage that outlasts the lease.
 */

const direct = testClient();
let proxy: FaultProxy;
const clients: DynamoDBClient[] = [];

beforeAll(async () => {
  proxy = await startFaultProxy(localEndpoint());
});
afterEach(() => {
  proxy.restore();
  for (const client of clients.splice(0)) client.destroy();
});
afterAll(async () => {
  await proxy.close();
  direct.destroy();
});

async function proxiedStore(maxAttempts?: number): Promise<DynamoDbStore> {
  const client = new DynamoDBClient({
    ...LOCAL_CLIENT_CONFIG,
    endpoint: proxy.endpoint,
    requestHandler: new NodeHttpHandler({ requestTimeout: 2_000, throwOnRequestTimeout: true }),
    ...(maxAttempts !== undefined && { maxAttempts }),
  });
  clients.push(client);
  return new DynamoDbStore({ tableName: await freshIdempotencyTable(direct), client });
}

it('counts a renewal whose answer was lost (the SDK retried it) as renewed: nothing lost, the lease holds', async () => {
  const store = await proxiedStore();
  const seenBefore = proxy.seen.UpdateItem ?? 0;
  const run = await renewalWithLostAnswer(store, () => proxy.inject({ operation: 'UpdateItem', nth: 1, fault: { kind: 'lost-response' } }));
  expect(run.result).toBe('done');
  expect(run.duplicates).toEqual([`refused: ${ErrorCode.inProgress}`]);
  // The renewal, the SDK's retry of it (refused by the condition, recognised as its own), the second renewal, the completion.
  expect((proxy.seen.UpdateItem ?? 0) - seenBefore).toBe(4);
  expect(run.fn.metrics.at(-1)).toMatchObject({ LeaseRenewals: 2, LeasesLost: 0, StoreErrors: 0, FencingRejections: 0 });
});

it('aborts idem.signal when the store stays down until the lease end less the margin; the caller still gets the result', async () => {
  const run = await outageUntilLeaseEnd(
    await proxiedStore(1),
    () => proxy.outage(),
    () => proxy.restore(),
  );
  expect(run.result).toBe('finished, told the lease may be lost');
  expect(run.signalled).toMatchObject({ code: ErrorCode.leaseLost });
  expect(run.fn.metrics.at(-1)).toMatchObject({ LeaseRenewals: 0, LeasesLost: 1, FencingRejections: 0 });
  expect(run.fn.logs.filter((log) => /may be lost/.test(log.message))).toHaveLength(1);
  // Nobody took the key over meanwhile, so the completion still lands: a duplicate gets the result.
  expect(await run.replay()).toBe('finished, told the lease may be lost');
});
