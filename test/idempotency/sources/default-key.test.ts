import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ErrorCode, idempotent } from '../../../lib/idempotency';
import { idempotentMiddleware } from '../../../lib/idempotency/middy/idempotent-middleware';
import { MemoryStore } from '../../../lib/idempotency/testing';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';

/** One invocation that handles several events (a batch, a fan-out): they all share its request id. */
const oneInvocation = lambdaContext();

describe('the default key of idempotent never hands one event another event’s result', () => {
  it('keys events by a numeric id as its decimal string, so two records of one invocation each run', async () => {
    const runs: string[] = [];
    const process = idempotent(
      async (record: { id: number; name: string }) => {
        runs.push(record.name);
        return `done:${record.name}`;
      },
      { store: new MemoryStore(), logger: recordingLogger() },
    );
    await expect(process({ id: 1, name: 'foo' }, oneInvocation)).resolves.toBe('done:foo');
    await expect(process({ id: 2, name: 'bar' }, oneInvocation)).resolves.toBe('done:bar');
    await expect(process({ id: 1, name: 'foo' }, oneInvocation)).resolves.toBe('done:foo'); // a redelivery replays
    expect(runs).toEqual(['foo', 'bar']);
  });

  it('refuses a different event under the same request id as a payload mismatch instead of replaying the first result', async () => {
    const runs: string[] = [];
    const process = idempotent(
      async (event: { name: string }) => {
        runs.push(event.name);
        return `done:${event.name}`;
      },
      { store: new MemoryStore(), logger: recordingLogger() },
    );
    await expect(process({ name: 'foo' }, oneInvocation)).resolves.toBe('done:foo');
    await expect(process({ name: 'bar' }, oneInvocation)).rejects.toMatchObject({ code: ErrorCode.payloadMismatch });
    expect(runs).toEqual(['foo']);
  });

  it('still replays an identical event that Lambda retries under the same request id (an asynchronous invocation)', async () => {
    let runs = 0;
    const process = idempotent(async (event: { orderId: string }) => `shipped ${event.orderId} #${++runs}`, {
      store: new MemoryStore(),
      logger: recordingLogger(),
    });
    const retry: Context = { ...lambdaContext(), awsRequestId: oneInvocation.awsRequestId };
    const first = await process({ orderId: 'o-1' }, oneInvocation);
    await expect(process({ orderId: 'o-1' }, retry)).resolves.toBe(first);
    expect(runs).toBe(1);
  });

  it('checks no payload by default once the caller names the key, as before', async () => {
    let runs = 0;
    const process = idempotent(async (event: { orderId: string; at: string }) => `shipped ${event.orderId} #${++runs}`, {
      store: new MemoryStore(),
      key: (event) => event.orderId,
      logger: recordingLogger(),
    });
    const first = await process({ orderId: 'o-1', at: 'first try' }, oneInvocation);
    await expect(process({ orderId: 'o-1', at: 'second try' }, oneInvocation)).resolves.toBe(first);
    expect(runs).toBe(1);
  });

  it('gives the middy middleware the same default: a different event under one request id is refused, not replayed', async () => {
    const runs: string[] = [];
    const handler = middy(async (event: { name: string }) => {
      runs.push(event.name);
      return `done:${event.name}`;
    }).use(idempotentMiddleware({ store: new MemoryStore(), logger: recordingLogger() }));
    await expect(handler({ name: 'foo' }, oneInvocation)).resolves.toBe('done:foo');
    await expect(handler({ name: 'bar' }, oneInvocation)).rejects.toMatchObject({ code: ErrorCode.payloadMismatch });
    await expect(handler({ id: 7, name: 'baz' } as { name: string }, oneInvocation)).resolves.toBe('done:baz');
    expect(runs).toEqual(['foo', 'baz']);
  });
});

describe('two wrappers sharing one key space', () => {
  it('warns once, when a second wrapper is made on the same store and operation', () => {
    const store = new MemoryStore();
    const logger = recordingLogger();
    const handler = async () => 'ok';
    idempotent(handler, { store, logger });
    expect(logger.warnings).toEqual([]);
    idempotent(handler, { store, logger });
    idempotent(handler, { store, logger });
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.message).toMatch(/same store and operation/);
    expect(logger.warnings[0]?.fields).toMatchObject({ operation: 'default' });
  });

  it('does not warn for wrappers on other operations or other stores', () => {
    const store = new MemoryStore();
    const logger = recordingLogger();
    const handler = async () => 'ok';
    idempotent(handler, { store, logger, operation: 'ship' });
    idempotent(handler, { store, logger, operation: 'bill' });
    idempotent(handler, { store: new MemoryStore(), logger, operation: 'ship' });
    expect(logger.warnings).toEqual([]);
  });
});
