import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../lib/idempotency';
import { RedisStore } from '../../lib/idempotency/redis';
import { outageUntilLeaseEnd, renewalWithLostAnswer } from '../support/long-running-scenarios';
import { CLIENT_KINDS, connectClient, redisBehindFaultProxy, uniquePrefix, type ClientKind, type TestClient } from '../support/redis';
import { until } from '../support/until';

/**
 * Renewals on the wire, between each real client and redis-server, as renewal-faults.dynamodb.test.ts does for
 * DynamoDB: a renewal whose reply is lost after the script ran must count as renewed (the key's lease moved, the
 * handler keeps it), never as a lost lease; and an outage that outlasts the lease aborts `idem.signal`.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const TIMEOUT_MS = 1_000; // an unfaulted reply never reaches it, even on a loaded machine

const redis = redisBehindFaultProxy();

describe.each(CLIENT_KINDS)('%s: renewals through a TCP fault proxy', (kind: ClientKind) => {
  let store: RedisStore;
  let connection: TestClient;
  beforeAll(async () => {
    connection = await connectClient(kind, redis.proxy.url, kind === 'ioredis' ? { commandTimeoutMs: TIMEOUT_MS } : {});
    store = new RedisStore({
      client: connection.client,
      keyPrefix: uniquePrefix(),
      ...(kind === 'node-redis' && { commandTimeoutMs: TIMEOUT_MS }),
    });
    // Loads the scripts, so the faulted call is one EVALSHA.
    const warm = {
      id: randomUUID(),
      leaseToken: randomUUID(),
      leaseExpiresAt: Date.now() + MINUTE,
      expiration: nowSeconds() + 3_600,
      now: Date.now(),
    };
    await store.claim(warm);
    await store.renew({ ...warm, leaseExpiresAt: warm.leaseExpiresAt + MINUTE });
  });
  afterEach(async () => {
    redis.proxy.restore();
    await redis.proxy.delivered();
  });
  afterAll(() => connection.close());

  it('renew: a renewal whose reply was lost after the script ran counts as renewed, and the lease on the server moved', async () => {
    const now = Date.now();
    const claim = { id: randomUUID(), leaseToken: randomUUID(), leaseExpiresAt: now + MINUTE, expiration: nowSeconds() + 3_600, now };
    await store.claim(claim);
    const renewal = { id: claim.id, leaseToken: claim.leaseToken, leaseExpiresAt: now + 2 * MINUTE, expiration: claim.expiration, now };
    const faults = redis.proxy.faultsMade;
    redis.proxy.loseNextReply();
    expect(await store.renew(renewal)).toEqual({ renewed: true });
    expect(redis.proxy.faultsMade).toBe(faults + 1); // the reply really was lost: the answer came from the store's resend
    expect(Number((await redis.admin.hGetAll(store.keyOf(claim.id))).leaseExpiresAt)).toBe(renewal.leaseExpiresAt);
    // another invocation is still refused, and a renewal under another token never moves this lease
    expect(await store.claim({ ...claim, leaseToken: randomUUID(), now: now + 90 * SECOND })).toMatchObject({ claimed: false });
    expect(await store.renew({ ...renewal, leaseToken: randomUUID(), leaseExpiresAt: now + 5 * MINUTE })).toMatchObject({ renewed: false });
  });

  it('through idempotent: a lost renewal reply keeps the lease, a duplicate past the first lease is turned away, nothing is lost', async () => {
    const run = await renewalWithLostAnswer(store, () => {
      const faults = redis.proxy.faultsMade;
      redis.proxy.loseNextReply(); // the renewal runs on the server, its reply does not come back
      return until(() => redis.proxy.faultsMade > faults);
    });
    expect(run.result).toBe('done');
    expect(run.duplicates).toEqual([`refused: ${ErrorCode.inProgress}`]);
    expect(run.fn.metrics.at(-1)).toMatchObject({ Claimed: 1, LeaseRenewals: 2, LeasesLost: 0, StoreErrors: 0, FencingRejections: 0 });
    expect(await run.replay()).toBe('done'); // the result, replayed
  });

  it('aborts idem.signal when redis-server stays out of reach until the lease end less the margin; the caller still gets the result', async () => {
    const run = await outageUntilLeaseEnd(
      store,
      () => redis.proxy.outage(),
      () => redis.proxy.restore(),
    );
    expect(run.result).toBe('finished, told the lease may be lost');
    expect(run.signalled).toMatchObject({ code: ErrorCode.leaseLost });
    expect(run.fn.metrics.at(-1)).toMatchObject({ LeaseRenewals: 0, LeasesLost: 1, FencingRejections: 0 });
  });
});

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
