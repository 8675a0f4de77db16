import { randomUUID } from 'node:crypto';
import { ErrorCode, idempotent, type ClaimRequest } from '../../lib/idempotency';
import type { StepPutRequest } from '../../lib/idempotency/core/store';
import { lambdaContext } from '../support/lambda-context';
import { recordingLogger } from '../support/silent-logger';
import { RedisStore } from '../../lib/idempotency/redis';
import { TcpFaultProxy } from '../support/tcp-fault-proxy';
import { CLIENT_KINDS, connectClient, inspector, redisUrl, uniquePrefix, type ClientKind, type TestClient } from '../support/redis';
import { until } from '../support/until';

/**
 * The fault matrix, made at the TCP level between a real client and the real server: each transition
 * meets each fault, and a retry with the same lease token (what the engine sends after an ambiguous
 * failure) must count as done exactly once. Exact expectations per client: ioredis resends unanswered
 * commands when it reconnects; node-redis rejects them, and the store sends the script again.
 */

const TIMEOUT_MS = 1_000; // generous: an unfaulted reply must never reach it, even on a loaded machine
const DELAY_MS = 2_500; // well past the timeout, so the reply is late even on a loaded machine
const FAULTS = ['reply lost after the script ran', 'reset before the request arrived', 'reply delayed past the timeout', 'outage'] as const;
type Fault = (typeof FAULTS)[number];

function arm(proxy: TcpFaultProxy, fault: Fault): void {
  if (fault === 'reply lost after the script ran') proxy.loseNextReply();
  else if (fault === 'reset before the request arrived') proxy.resetNextRequest();
  else if (fault === 'reply delayed past the timeout') proxy.delayNextReply(DELAY_MS);
  else proxy.outage();
}

/**
 * How the first call settles: after a reset, ioredis resends on its new connection and node-redis rejects,
 * so the store sends the script again; either way the caller gets its answer. A late reply or an outage
 * is a store fault.
 */
const FIRST_CALL: Record<ClientKind, Record<Fault, 'answered' | 'rejected'>> = {
  'node-redis': {
    'reply lost after the script ran': 'answered',
    'reset before the request arrived': 'answered',
    'reply delayed past the timeout': 'rejected',
    outage: 'rejected',
  },
  ioredis: {
    'reply lost after the script ran': 'answered',
    'reset before the request arrived': 'answered',
    'reply delayed past the timeout': 'rejected',
    outage: 'rejected',
  },
};

/** Whether the write is on the server before the caller's own retry. */
const LANDED: Record<ClientKind, Record<Fault, boolean>> = {
  'node-redis': {
    'reply lost after the script ran': true,
    'reset before the request arrived': true,
    'reply delayed past the timeout': true,
    outage: false,
  },
  ioredis: {
    'reply lost after the script ran': true,
    'reset before the request arrived': true,
    'reply delayed past the timeout': true,
    outage: false,
  },
};

/** Each client's own reply timeout where it has one; node-redis's stops at the write, so the store bounds it. */
async function faultyStore(
  kind: ClientKind,
  proxy: TcpFaultProxy,
  keyPrefix: string,
): Promise<{ store: RedisStore; connection: TestClient }> {
  const connection = await connectClient(kind, proxy.url, kind === 'ioredis' ? { commandTimeoutMs: TIMEOUT_MS } : {});
  const store = new RedisStore({ client: connection.client, keyPrefix, ...(kind === 'node-redis' && { commandTimeoutMs: TIMEOUT_MS }) });
  return { store, connection };
}

async function settle<T>(promise: Promise<T>): Promise<{ answered: true; value: T } | { answered: false; error: Error }> {
  return promise.then(
    (value) => ({ answered: true as const, value }),
    (error: Error) => ({ answered: false as const, error }),
  );
}

/** Retries until the client is back (after an outage it reconnects), as an engine's retry would; bounded. */
async function retry<T>(call: () => Promise<T>): Promise<T> {
  let result: T | undefined;
  await until(async () => {
    const attempt = await settle(call());
    if (attempt.answered) result = attempt.value;
    return attempt.answered;
  }, 15_000);
  return result!;
}

let admin: Awaited<ReturnType<typeof inspector>>;
let proxy: TcpFaultProxy;
beforeAll(async () => {
  admin = await inspector();
  proxy = await TcpFaultProxy.start(Number(new URL(redisUrl()).port));
});
afterAll(async () => {
  await proxy.close();
  admin.destroy();
});

describe.each(CLIENT_KINDS)('%s through a TCP fault proxy', (kind) => {
  let store: RedisStore;
  let connection: TestClient;
  beforeAll(async () => {
    ({ store, connection } = await faultyStore(kind, proxy, uniquePrefix()));
    const warm = claimOf(); // loads the scripts, so every faulted call is one EVALSHA
    await store.claim(warm);
    await store.complete({ id: warm.id, leaseToken: warm.leaseToken, result: { encoding: 'undefined' }, expiration: warm.expiration });
    await store.release(randomUUID(), 'none');
    await store.putStep(stepOf());
  });
  afterEach(async () => {
    proxy.restore();
    await proxy.delivered();
  });
  afterAll(() => connection.close());

  const stored = (id: string) => admin.hGetAll(store.keyOf(id));

  describe.each(FAULTS)('%s', (fault) => {
    it("claim: the first call is answered or rejected as the client does, and the retry with the same token is still the caller's claim", async () => {
      const request = claimOf();
      arm(proxy, fault);
      const first = await settle(store.claim(request));
      expect(first.answered ? 'answered' : 'rejected').toBe(FIRST_CALL[kind][fault]);
      if (first.answered) expect(first.value).toEqual({ claimed: true });
      proxy.restore();
      await proxy.delivered();
      expect((await stored(request.id)).leaseToken).toBe(LANDED[kind][fault] ? request.leaseToken : undefined);
      expect(await retry(() => store.claim(request))).toEqual({ claimed: true });
      expect(await stored(request.id)).toMatchObject({ status: 'IN_PROGRESS', leaseToken: request.leaseToken });
      // and another invocation is still refused: the retry did not open the key
      expect(await store.claim({ ...request, leaseToken: randomUUID() })).toMatchObject({
        claimed: false,
        existing: { leaseToken: request.leaseToken },
      });
    });

    it('complete: a completion that landed counts as completed when retried, and the record holds the one result', async () => {
      const request = claimOf();
      await store.claim(request);
      const completion = {
        id: request.id,
        leaseToken: request.leaseToken,
        result: { encoding: 'json', data: '{"charge":"ch_1"}' } as const,
        expiration: request.expiration,
      };
      arm(proxy, fault);
      const first = await settle(store.complete(completion));
      expect(first.answered ? 'answered' : 'rejected').toBe(FIRST_CALL[kind][fault]);
      if (first.answered) expect(first.value).toEqual({ completed: true });
      proxy.restore();
      await proxy.delivered();
      expect((await stored(request.id)).status).toBe(LANDED[kind][fault] ? 'COMPLETED' : 'IN_PROGRESS');
      expect(await retry(() => store.complete(completion))).toEqual({ completed: true });
      expect(await stored(request.id)).toMatchObject({ status: 'COMPLETED', leaseToken: request.leaseToken, result: '{"charge":"ch_1"}' });
    });

    it('release: a release that landed counts as released when retried, and the key is free', async () => {
      const request = claimOf();
      await store.claim(request);
      arm(proxy, fault);
      const first = await settle(store.release(request.id, request.leaseToken));
      expect(first.answered ? 'answered' : 'rejected').toBe(FIRST_CALL[kind][fault]);
      if (first.answered) expect(first.value).toEqual({ released: true });
      proxy.restore();
      await proxy.delivered();
      expect(await admin.exists(store.keyOf(request.id))).toBe(LANDED[kind][fault] ? 0 : 1);
      expect(await retry(() => store.release(request.id, request.leaseToken))).toEqual({ released: true });
      expect(await admin.exists(store.keyOf(request.id))).toBe(0);
    });
  });

  describe.each(FAULTS)('%s at a step put', (fault) => {
    it('putStep: a put that landed is found by its retry, which goes on with the same result, and the key holds that one result', async () => {
      const request = stepOf();
      arm(proxy, fault);
      const first = await settle(store.putStep(request));
      expect(first.answered ? 'answered' : 'rejected').toBe(FIRST_CALL[kind][fault]);
      // Stored, or (when the store's own resend found the landed put) handed back as existing: the same bytes either way.
      if (first.answered) expect(first.value.stored ? request.result : first.value.existing).toEqual(request.result);
      proxy.restore();
      await proxy.delivered();
      expect((await stored(request.id)).status).toBe(LANDED[kind][fault] ? 'STEP' : undefined);
      // The same put again: one that landed hands back its own result; one that did not (an outage) stores it now.
      expect(await retry(() => store.putStep(request))).toEqual(
        LANDED[kind][fault] ? { stored: false, existing: request.result } : { stored: true },
      );
      expect(await stored(request.id)).toMatchObject({ status: 'STEP', result: '{"charge":"ch_1"}' });
    });
  });

  it('idem.step: a step whose put lost its reply runs once, and the re-run after a released error finds it stored', async () => {
    const effects = { charge: 0, email: 0 };
    let mailDown = true;
    const faults = proxy.faultsMade;
    const handler = idempotent(
      async (_event: unknown, _context, idem) => {
        const charge = await idem.step('charge', async () => {
          proxy.loseNextReply(); // the claim and the step's read are answered: the next request is this step's put
          return { chargeId: `ch_${++effects.charge}` };
        });
        if (mailDown) throw new Error('the mail server is down');
        const email = await idem.step('email', async () => `e_${++effects.email}`);
        return { charge, email };
      },
      { store, key: () => 'order-1', operation: `steps-${randomUUID()}`, logger: recordingLogger() },
    );
    await expect(handler({}, lambdaContext())).rejects.toThrow('the mail server is down');
    expect(proxy.faultsMade).toBe(faults + 1); // the put's reply really was lost
    expect(effects).toEqual({ charge: 1, email: 0 });
    mailDown = false;
    proxy.restore();
    expect(await handler({}, lambdaContext())).toEqual({ charge: { chargeId: 'ch_1' }, email: 'e_1' });
    expect(effects).toEqual({ charge: 1, email: 1 });
  });

  it("get: rejects with the signal's reason as soon as it aborts, while the reply is held back", async () => {
    const request = claimOf();
    await store.claim(request);
    proxy.delayNextReply(DELAY_MS);
    const faults = proxy.faultsMade;
    const controller = new AbortController();
    const read = store.get(request.id, { signal: controller.signal });
    read.catch(() => undefined);
    await until(() => proxy.faultsMade > faults); // the reply has reached the proxy and is held there
    controller.abort(new Error('the wait is over'));
    await expect(read).rejects.toThrow('the wait is over');
  });

  it("an outage at the claim reaches an idempotent handler as a store failure with the client's error as cause, and nothing runs", async () => {
    let runs = 0;
    const handler = idempotent(async () => ++runs, { store, key: () => randomUUID(), logger: recordingLogger() });
    proxy.outage();
    const error = await handler({}, lambdaContext()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.storeFailure, cause: expect.objectContaining({ message: expect.any(String) }) });
    expect(runs).toBe(0);
  });
});

function stepOf(): StepPutRequest {
  const now = Date.now();
  return { id: randomUUID(), result: { encoding: 'json', data: '{"charge":"ch_1"}' }, expiration: Math.floor(now / 1000) + 3_600, now };
}

function claimOf(): ClaimRequest {
  const now = Date.now();
  return { id: randomUUID(), leaseToken: randomUUID(), leaseExpiresAt: now + 60_000, expiration: Math.floor(now / 1000) + 3_600, now };
}
