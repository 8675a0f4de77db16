import { isConnectionFailure, isErrorReply, isNoScript } from '../../../lib/idempotency/stores/redis-errors';

// Messages as node-redis 6.3 and ioredis 6.0 word them (seen through the TCP fault proxy, or in their source).
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('Redis error classes, by what a retry may do', () => {
  it.each([
    ['NOSCRIPT No matching script. Please use EVAL.'],
    ['ERR Error running script'],
    ['WRONGTYPE Operation against a key holding the wrong kind of value'],
    ["OOM command not allowed when used memory > 'maxmemory'."],
    ["READONLY You can't write against a read only replica."],
  ])("reads %p as the server's answer: never resent", (message) => {
    expect(isErrorReply(new Error(message))).toBe(true);
    expect(isConnectionFailure(new Error(message))).toBe(false);
  });

  it('knows NOSCRIPT', () => {
    expect(isNoScript(new Error('NOSCRIPT No matching script. Please use EVAL.'))).toBe(true);
    expect(isNoScript(new Error('ERR unknown command'))).toBe(false);
  });

  it.each([
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    [new Error('Socket closed unexpectedly')],
    [new Error('The client is offline')],
    [new Error('The client is closed')],
    [new Error('Connection is closed.')],
    [
      named(
        'MaxRetriesPerRequestError',
        'Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.',
      ),
    ],
    [new Error("Stream isn't writeable and enableOfflineQueue options is false")],
  ])('reads %p as a connection failure: safe to send again', (error) => {
    expect(isConnectionFailure(error)).toBe(true);
  });

  it.each([
    [named('TimeoutError', 'Redis did not answer claim within 1000 ms')],
    [new Error('Command timed out')],
    [named('AbortError', 'This operation was aborted')],
  ])('does not resend after %p: the reply may still come', (error) => {
    expect(isConnectionFailure(error)).toBe(false);
  });
});
