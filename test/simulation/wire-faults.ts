import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { DynamoDbOperation, FaultProxy } from '../support/fault-proxy';
import type { TcpFaultProxy } from '../support/tcp-fault-proxy';
import type { WireFaults } from './target';

const DYNAMODB_OPERATIONS: Readonly<Record<string, DynamoDbOperation>> = {
  claim: 'PutItem',
  get: 'GetItem',
  complete: 'UpdateItem',
  release: 'DeleteItem',
  completeWith: 'TransactWriteItems',
  renew: 'UpdateItem',
};

/** What a call's own (unscheduled) failure is, in the schedule's terms: the call never landed. */
async function failure(send: () => Promise<unknown>): Promise<unknown> {
  try {
    await send();
  } catch (error) {
    return error;
  }
  throw new Error('the simulator expected this call to fail during the outage, and it landed');
}

/** Wire faults through the HTTP fault proxy in front of DynamoDB Local; the SDK's own retries do the rest. */
export function dynamoDbWireFaults(proxy: FaultProxy): WireFaults {
  return {
    async answerLostRetried(call, send) {
      const operation = DYNAMODB_OPERATIONS[call];
      if (!operation) throw new Error(`no DynamoDB operation is known for the store call ${call}`);
      void proxy.inject({ operation, fault: { kind: 'lost-response' } });
      return send();
    },
    async neverLands(send) {
      proxy.outage();
      try {
        return await failure(send);
      } finally {
        proxy.restore();
      }
    },
  };
}

/** Wire faults through the TCP proxy in front of redis-server; the store's and the client's own retries do the rest. */
export function redisWireFaults(proxy: TcpFaultProxy, client: Redis): WireFaults {
  // The next call must find the client connected again, as a warm function's next request would.
  const ready = async () => {
    for (let waited = 0; client.status !== 'ready' && waited < 5000; waited += 10) await sleep(10);
  };
  // Each fault is armed for one call, then the proxy is restored and the client connected again.
  const during = async <T>(arm: () => void, call: () => Promise<T>): Promise<T> => {
    arm();
    try {
      return await call();
    } finally {
      proxy.restore();
      await ready();
    }
  };
  return {
    answerLostRetried: (_call, send) => during(() => proxy.loseNextReply(), send),
    neverLands: (send) =>
      during(
        () => proxy.outage(),
        () => failure(send),
      ),
  };
}
