import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { idempotent, idempotentHttp, MetricName, type IdempotencyLogger } from '../../../lib/idempotency';
import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { httpEvent } from '../../support/api-gateway-fixtures';
import { freshIdempotencyTable, testClient } from '../../support/dynamodb';
import { failNext, faults } from '../../support/fault-injection';
import { until } from '../../support/until';

const client = testClient();
let store: DynamoDbStore;
beforeAll(async () => {
  store = new DynamoDbStore({ tableName: await freshIdempotencyTable(client), client });
});
afterAll(() => client.destroy());

interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [member: string]: unknown;
}

/** Every log line and EMF document one wrapped handler produces. */
function observed() {
  const lines: EmfDocument[] = [];
  const logs: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields: Record<string, unknown>) => void logs.push({ level, message, fields });
  const logger: IdempotencyLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { lines, logs, logger, emit: (line: string) => void lines.push(JSON.parse(line)) };
}

/** The counts of the last EMF line, without the zeros. */
function counts(doc: EmfDocument | undefined): Record<string, number> {
  return Object.fromEntries(
    Object.values(MetricName)
      .map((name) => [name, doc?.[name] as number])
      .filter(([, n]) => n !== 0),
  );
}

const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs, awsRequestId: randomUUID() }) as Context;

describe('metrics (CloudWatch Embedded Metric Format)', () => {
  it('writes one valid EMF line per invocation, every metric declared, with the namespace and dimensions', async () => {
    const seen = observed();
    const handler = idempotent(async () => 'ok', {
      store,
      key: () => `k-${randomUUID()}`,
      operation: 'orders',
      logger: seen.logger,
      metrics: { namespace: 'Payments/Idempotency', dimensions: { Service: 'orders', Stage: 'test' }, emit: seen.emit },
    });
    await handler({}, context(5_000));
    expect(seen.lines).toHaveLength(1);
    const [doc] = seen.lines;
    expect(doc!._aws.Timestamp).toEqual(expect.any(Number));
    const [directive] = doc!._aws.CloudWatchMetrics;
    expect(directive!.Namespace).toBe('Payments/Idempotency');
    expect(directive!.Dimensions).toEqual([['Service', 'Stage']]);
    expect(directive!.Metrics).toEqual(Object.values(MetricName).map((Name) => ({ Name, Unit: 'Count' })));
    // Every dimension and metric named in the directive is a member of the document, as the spec requires.
    for (const name of directive!.Dimensions[0]!) expect(typeof doc![name]).toBe('string');
    for (const { Name } of directive!.Metrics) expect(typeof doc![Name]).toBe('number');
    expect(counts(doc)).toEqual({ Claimed: 1 });
  });

  it('counts replays, waits, in-progress rejections and payload mismatches', async () => {
    const seen = observed();
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let runs = 0;
    const handler = idempotent(
      async () => {
        runs++;
        await gate;
        return 'done';
      },
      {
        store,
        operation: `op-${randomUUID()}`,
        key: (e: { k: string; v?: number }) => e.k,
        fingerprint: (e) => e.v,
        inFlightWaitMs: 1_000,
        logger: seen.logger,
        metrics: { emit: seen.emit },
      },
    );
    const first = handler({ k: 'a', v: 1 }, context(5_000));
    await until(() => runs === 1);
    await expect(handler({ k: 'a', v: 1 }, context(5_000))).rejects.toThrow();
    expect(counts(seen.lines.at(-1))).toEqual({ InFlightWaits: 1, InProgressRejections: 1 });
    finish();
    await first;
    await handler({ k: 'a', v: 1 }, context(5_000));
    expect(counts(seen.lines.at(-1))).toEqual({ Replayed: 1 });
    await expect(handler({ k: 'a', v: 2 }, context(5_000))).rejects.toThrow();
    expect(counts(seen.lines.at(-1))).toEqual({ PayloadMismatches: 1 });
  });

  it('counts a lease takeover, the fencing rejection of the late invocation, and store errors', async () => {
    const seen = observed();
    let clock = Date.now();
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const handler = idempotent(
      async () => {
        if (++runs === 1) await stuck;
        return runs;
      },
      { store, operation: `op-${randomUUID()}`, key: () => 'k', now: () => clock, logger: seen.logger, metrics: { emit: seen.emit } },
    );
    const late = handler({}, context(1_000));
    await until(() => runs === 1);
    clock += 10_000;
    await handler({}, context(1_000));
    expect(counts(seen.lines.at(-1))).toEqual({ Claimed: 1, LeaseTakeovers: 1 });
    release();
    await late;
    expect(counts(seen.lines.at(-1))).toEqual({ Claimed: 1, FencingRejections: 1 });

    failNext(client, 'PutItemCommand', faults.serverError());
    await expect(handler({}, context(1_000))).rejects.toThrow();
    expect(counts(seen.lines.at(-1))).toEqual({ StoreErrors: 1 });
  });

  it('is off outside Lambda unless asked for, and off when `metrics: false`', async () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (writes.push(String(chunk)), true));
    try {
      await idempotent(async () => 1, { store, key: () => randomUUID(), logger: observed().logger })({}, context(1_000));
      const previous = process.env.AWS_LAMBDA_FUNCTION_NAME;
      process.env.AWS_LAMBDA_FUNCTION_NAME = 'payments';
      try {
        await idempotent(async () => 1, { store, key: () => randomUUID(), logger: observed().logger })({}, context(1_000));
        await idempotent(async () => 1, { store, key: () => randomUUID(), logger: observed().logger, metrics: false })({}, context(1_000));
      } finally {
        if (previous === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
        else process.env.AWS_LAMBDA_FUNCTION_NAME = previous;
      }
    } finally {
      spy.mockRestore();
    }
    const emf = writes.filter((line) => line.includes('"_aws"'));
    expect(emf).toHaveLength(1);
    expect(JSON.parse(emf[0]!)).toMatchObject({ Service: 'payments', Claimed: 1 });
  });
});

describe('logs', () => {
  it('log each decision with the hashed key, never the raw key, principal or body', async () => {
    const seen = observed();
    const rawKey = `raw-${randomUUID()}`;
    const handler = idempotentHttp(async () => ({ statusCode: 201, body: '{"card":"4242 4242 4242 4242"}' }), {
      store,
      logger: seen.logger,
      metrics: { emit: seen.emit },
    });
    const request = () =>
      httpEvent({
        headers: [
          ['Idempotency-Key', rawKey],
          ['Content-Type', 'application/json'],
        ],
        body: '{"pan":"4242 4242 4242 4242"}',
        principal: 'principal-name',
      });
    await handler(request(), context(5_000));
    await handler(request(), context(5_000));
    expect(seen.logs.map((log) => `${log.level}: ${log.message}`)).toEqual([
      'debug: Claimed the key.',
      'debug: Stored the result.',
      'info: Replayed the stored result.',
    ]);
    expect(seen.logs.every((log) => /^[0-9a-f]{64}$/.test(String(log.fields.idempotencyKey)))).toBe(true);
    const everything = JSON.stringify([seen.logs, seen.lines]);
    expect(everything).not.toContain(rawKey);
    expect(everything).not.toContain('principal-name');
    expect(everything).not.toContain('4242');
  });

  it('rejects bad metrics options when wrapping', () => {
    expect(() => idempotent(async () => 1, { store, metrics: { namespace: '' } })).toThrow(
      new TypeError('Expected `metrics.namespace` to be a string of 1 to 255 characters, got ""'),
    );
    expect(() => idempotent(async () => 1, { store, metrics: { dimensions: {} } })).toThrow(
      /Expected `metrics.dimensions` to map 1 to 30 names/,
    );
    expect(() => idempotent(async () => 1, { store, metrics: 'on' as never })).toThrow(/Expected `metrics` to be a boolean/);
  });
});
