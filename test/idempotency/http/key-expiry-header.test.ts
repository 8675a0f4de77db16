import { idempotentHttp, type HttpResponse, type IdempotentHttpOptions } from 'lambda-idempotency';
import { MemoryStore } from 'lambda-idempotency/testing';
import { httpEvent } from '../../support/api-gateway-fixtures';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';

const NOW = Date.UTC(2026, 11, 5, 8, 0, 0);
const request = httpEvent({ headers: [['Idempotency-Key', 'k-1']], body: '{}' });

function twice(options: Partial<IdempotentHttpOptions> = {}): Promise<[HttpResponse, HttpResponse]> {
  const handler = idempotentHttp(async () => ({ statusCode: 201, body: '{}' }), {
    store: new MemoryStore(),
    now: () => NOW,
    expiresAfterSeconds: 3_600,
    logger: recordingLogger(),
    ...options,
  });
  return (async () => [
    (await handler(request, lambdaContext())) as HttpResponse,
    (await handler(request, lambdaContext())) as HttpResponse,
  ])();
}

describe('idempotentHttp: the key expiry on replays', () => {
  it('tells a replay when its key expires, as an HTTP date, and says nothing on the first response', async () => {
    const [first, replay] = await twice();
    expect(first.headers?.['Idempotency-Key-Expires']).toBeUndefined();
    expect(replay.headers?.['Idempotency-Key-Expires']).toBe('Sat, 05 Dec 2026 09:00:00 GMT');
  });

  it('uses the header name given, or none with false', async () => {
    const [, named] = await twice({ keyExpiryHeader: 'X-Idempotency-Expires' });
    expect(named.headers?.['X-Idempotency-Expires']).toBe('Sat, 05 Dec 2026 09:00:00 GMT');
    const [, off] = await twice({ keyExpiryHeader: false });
    expect(off.headers).toEqual({ 'Idempotent-Replayed': 'true' });
  });

  it('refuses a header name that is not a token, naming the option', () => {
    expect(() => idempotentHttp(async () => ({ statusCode: 200 }), { store: new MemoryStore(), keyExpiryHeader: 'Bad Name' })).toThrow(
      'Expected `keyExpiryHeader` to be a header name or false, got "Bad Name"',
    );
  });
});
