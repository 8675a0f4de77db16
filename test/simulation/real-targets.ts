import { randomUUID } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import { RedisStore } from 'lambda-idempotency/redis';
import { createIdempotencyTable } from 'lambda-idempotency/testing';
import { localClient } from '../../lib/local/dynamodb-local';
import { startFaultProxy } from '../support/fault-proxy';
import { connectClient } from '../support/redis';
import { TcpFaultProxy } from '../support/tcp-fault-proxy';
import { dynamoDbLedger, dynamoDbStoreWithTransactions, expireDynamoDbRecord, hasAtomicCompletion } from './engine-adapter';
import type { TargetFactory } from './target';
import { dynamoDbWireFaults, redisWireFaults } from './wire-faults';

/**
 * DynamoDB Local: one idempotency table and one ledger table for the whole batch; each run's operation
 * (its namespace) keeps its record ids apart. The virtual clock starts far in the future, so DynamoDB
 * Local's own TTL sweep never deletes a simulated record: only the schedule's does.
 */
export async function dynamoDbTargets(endpoint: string): Promise<TargetFactory> {
  const client = localClient(endpoint);
  // The engine's store talks through the fault proxy; the simulator watches over a direct client.
  const proxy = await startFaultProxy(endpoint);
  // A client per run, as each warm container has its own: the SDK's retry quota drains with every retried fault,
  // and one client shared by hundreds of runs stopped retrying lost answers (seeds 5022 and 5034 of a 40-seed batch).
  let storeClient = localClient(proxy.endpoint);
  const wire = dynamoDbWireFaults(proxy);
  const tableName = `simulation-${randomUUID()}`;
  const ledgerTable = `simulation-ledger-${randomUUID()}`;
  await createIdempotencyTable(client, tableName);
  await client.send(
    new CreateTableCommand({
      TableName: ledgerTable,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const observer = dynamoDbStoreWithTransactions(client, tableName);
  return {
    kind: 'dynamodb',
    async open(namespace) {
      storeClient.destroy();
      storeClient = localClient(proxy.endpoint);
      const store = dynamoDbStoreWithTransactions(storeClient, tableName);
      return {
        kind: 'dynamodb',
        namespace,
        store,
        wire,
        read: (id) => observer.get(id),
        atomicCompletion: hasAtomicCompletion(store),
        ledgerTable,
        ledger: (ids) => dynamoDbLedger(client, ledgerTable, ids),
        expire: (id, nowMs) => expireDynamoDbRecord(client, tableName, id, nowMs),
      };
    },
    async close() {
      storeClient.destroy();
      client.destroy();
      await proxy.close();
    },
  };
}

/**
 * redis-server: one connection through the TCP fault proxy for the engine's store, one direct to watch; each run's
 * records under its own key prefix. No atomic completion.
 */
export async function redisTargets(url: string): Promise<TargetFactory> {
  const proxy = await TcpFaultProxy.start(Number(new URL(url).port));
  const through = await connectClient('ioredis', proxy.url);
  const direct = await connectClient('ioredis', url);
  const raw = direct.client as unknown as Redis;
  const wire = redisWireFaults(proxy, through.client as unknown as Redis);
  const prefix = `simulation:${randomUUID()}:`;
  return {
    kind: 'redis',
    async open(namespace) {
      const store = new RedisStore({ client: through.client, keyPrefix: `${prefix}${namespace}:` });
      const observer = new RedisStore({ client: direct.client, keyPrefix: `${prefix}${namespace}:` });
      return {
        kind: 'redis',
        namespace,
        store,
        wire,
        read: (id) => observer.get(id),
        atomicCompletion: hasAtomicCompletion(store),
        ledgerTable: 'none',
        ledger: async () => [],
        async expire(id, nowMs) {
          const expiration = await raw.hget(store.keyOf(id), 'expiration');
          if (expiration === null || Number(expiration) >= Math.floor(nowMs / 1000)) return false;
          return (await raw.del(store.keyOf(id))) === 1;
        },
      };
    },
    async close() {
      await through.close();
      await direct.close();
      await proxy.close();
    },
  };
}
