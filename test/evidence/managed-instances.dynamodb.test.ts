import { randomUUID } from 'node:crypto';
import { idempotent } from '../../lib/idempotency';
import { DynamoDbStore } from '../../lib/idempotency/dynamodb';
import { freshIdempotencyTable, testClient } from '../support/dynamodb';
import { lambdaContext } from '../support/lambda-context';
import { until } from '../support/until';

/**
 * Lambda Managed Instances run several invocations at once in one process: one wrapped handler, one warm cache,
 * one options object, many contexts. Nothing of one invocation may leak into another: its key, its result, its
 * telemetry (one EMF line each, with its own counts), its lease.
 */

const dynamodb = testClient();
afterAll(() => dynamodb.destroy());

it('keeps 64 concurrent invocations in one process apart: 40 keys run once each, 24 duplicates replay, one metrics line each', async () => {
  const store = new DynamoDbStore({ tableName: await freshIdempotencyTable(dynamodb, 'managed'), client: dynamodb });
  const lines: Record<string, unknown>[] = [];
  const warnings: string[] = [];
  const ran = new Map<string, { requestId: string; idemKey: string }[]>();
  let running = 0;
  const handler = idempotent(
    async (event: { key: string }, context, idem) => {
      ran.set(event.key, [...(ran.get(event.key) ?? []), { requestId: context.awsRequestId, idemKey: idem.key! }]);
      running++;
      await until(() => running === 40, 60_000); // every first run is in flight at once
      return { key: event.key, ranFor: context.awsRequestId };
    },
    {
      store,
      operation: `managed-${randomUUID()}`,
      key: (event) => event.key,
      inFlightWaitMs: 60_000, // duplicates wait for the first run's result rather than being turned away
      localCache: true,
      metrics: { emit: (line) => void lines.push(JSON.parse(line)) },
      logger: { warn: (message) => void warnings.push(message) },
    },
  );
  const single = Array.from({ length: 32 }, (_, i) => `single-${i}-${randomUUID()}`);
  const shared = Array.from({ length: 8 }, (_, i) => `shared-${i}-${randomUUID()}`);
  const keys = [...single, ...shared.flatMap((key) => [key, key, key, key])];
  expect(keys).toHaveLength(64);

  const contexts = keys.map(() => lambdaContext(15 * 60_000));
  const answers = await Promise.all(keys.map((key, i) => handler({ key }, contexts[i]!)));

  expect(ran.size).toBe(40);
  expect([...ran.values()].every((runs) => runs.length === 1)).toBe(true);
  expect(new Set([...ran.values()].map(([run]) => run!.idemKey)).size).toBe(40);
  // Every caller got the answer for its own key, from the one run of that key.
  answers.forEach((answer, i) => expect(answer).toEqual({ key: keys[i], ranFor: ran.get(keys[i]!)![0]!.requestId }));
  const ranFor = new Set([...ran.values()].map(([run]) => run!.requestId));
  expect(contexts.filter((context) => ranFor.has(context.awsRequestId))).toHaveLength(40);

  expect(lines).toHaveLength(64);
  const counts = lines.map((line) => [line.Claimed, line.Replayed, line.InProgressRejections, line.LeaseRenewals, line.LeasesLost]);
  expect(counts.filter(([claimed, replayed]) => claimed === 1 && replayed === 0)).toHaveLength(40);
  expect(counts.filter(([claimed, replayed]) => claimed === 0 && replayed === 1)).toHaveLength(24);
  expect(counts.every(([, , rejected, renewals, lost]) => rejected === 0 && renewals === 0 && lost === 0)).toBe(true);
  expect(warnings).toEqual([]);
});
