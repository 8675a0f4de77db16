import { randomUUID } from 'node:crypto';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';
import { callPairsConcurrently } from '../../support/function-pairs-contract';

const client = testClient();
afterAll(() => client.destroy());

describe('idempotentFunction on DynamoDB Local', () => {
  it('runs a function keyed by two arguments once per pair across concurrent calls, and hands every call its pair’s result', async () => {
    const store = new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client });
    const { pairs, calls, runs, results } = await callPairsConcurrently(store, `charge-${randomUUID()}`);
    expect(runs.size).toBe(pairs.length);
    expect([...runs.values()]).toEqual(pairs.map(() => 1));
    results.forEach((result, index) => expect(result).toEqual({ pair: `${calls[index]![0]} ${calls[index]![1]}`, charged: 100 }));
  });
});
