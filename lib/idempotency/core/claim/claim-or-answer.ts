import { pollDelayMs, recordExpiration } from '../backoff';
import { decide, type Decision } from '../decide';
import { assertValidKey } from '../key-rules';
import { remainingTimeMs, retryAfterSeconds, waitBudgetMs } from '../lease';
import { keepLease, unkeptLease } from '../lease-keeper';
import { leaseFor } from '../lease-plan';
import type { BeginRequest, Begun, Refusal, Replayed } from '../outcome';
import { isTakeover, type IdempotencyRecord } from '../record';
import { decodeWithCodec } from '../codec-port';
import { linkInvocation } from '../invocation-link';
import { decodeResult } from '../result-codec';
import { scopedId } from '../scoped-key';
import { heldClaim, newLeaseToken, type ClaimHolder } from './settlement';

const MAX_CLAIM_ATTEMPTS = 8;

/** What claiming needs from the invocation: what a held claim needs, and the guard that turns a failed call into its store fault. */
export interface Claimant extends ClaimHolder {
  readonly guard: <T>(fields: Record<string, unknown>, step: 'claim' | 'read', call: () => Promise<T>, signal?: AbortSignal) => Promise<T>;
}

/**
 * Claims the key, or answers from what holds it: a replay, a refusal, or (after the bounded wait) in progress.
 * One conditional write claims; a duplicate reads only while it waits.
 */
export async function claimOrAnswer<S>(claimant: Claimant, request: BeginRequest): Promise<Begun<S>> {
  const { options, cache, telemetry, context, guard } = claimant;
  const { store, now } = options;
  assertValidKey(request.key); // adapters check first to answer in their own terms; this guards the rest
  const id = scopedId(request.operation ?? options.operation, request.scope, request.key, context?.tenantId);
  const fields = { idempotencyKey: id };
  const remaining = remainingTimeMs(context);
  const waitUntil = now() + waitBudgetMs(remaining, options);

  const cached = cache.get(id, now());
  const known = cached && decide(cached, request.fingerprint, now());
  if (known && known.kind !== 'claim' && known.kind !== 'wait')
    return await answer<S>(claimant, known, { ...fields, source: 'local cache' });

  let polls = 0;
  for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
    // A claim owned by something that outlives this invocation (a durable execution) brings its token and lease end.
    const leaseToken = request.leaseToken ?? newLeaseToken();
    const claimedAt = now();
    // The remaining time as of this attempt: after a wait, the lease must still end with the invocation.
    const lease = leaseFor(remainingTimeMs(context), options);
    const leaseExpiresAt = request.leaseExpiresAt ?? claimedAt + lease.ms;
    const claim = await guard(fields, 'claim', () =>
      store.claim({
        id,
        leaseToken,
        leaseExpiresAt,
        expiration: recordExpiration(claimedAt, leaseExpiresAt, options.expiresAfterSeconds),
        fingerprint: request.fingerprint,
        now: claimedAt,
      }),
    );
    if (claim.claimed) {
      telemetry.event('claimed', fields);
      if (isTakeover(claim.replaced, leaseToken, claimedAt))
        telemetry.event('takenOver', { ...fields, leaseEndedAt: new Date(claim.replaced.leaseExpiresAt).toISOString() });
      // An owner's own lease end is its owner's to keep: no keeper, and `idem.signal` never aborts.
      const keeper =
        request.leaseExpiresAt === undefined ? keepLease(options, telemetry, { id, leaseToken, claimedAt, lease }, context) : unkeptLease();
      const held = heldClaim(id, leaseToken, request.fingerprint, claimant, keeper);
      linkInvocation(held.idem, { clock: context, telemetry });
      return { kind: 'claimed', claim: held };
    }

    let record: IdempotencyRecord | undefined = claim.existing;
    for (;;) {
      const decision = decide(record, request.fingerprint, now());
      if (decision.kind === 'claim') break;
      if (decision.kind !== 'wait') return await answer<S>(claimant, decision, { ...fields, source: 'store' });
      const turnAway = (): Refusal => {
        telemetry.event('turnedAway', fields);
        return { kind: 'in-progress', retryAfterSeconds: retryAfterSeconds(decision.leaseExpiresAt, now()) };
      };
      const left = waitUntil - now();
      if (left <= 0) return turnAway();
      if (polls === 0) telemetry.event('waiting', fields);
      await options.sleep(pollDelayMs(polls++, left, options.random));
      // The read is bounded by the wait too: a GetItem stuck in SDK retries must not hold the duplicate past it.
      const signal = AbortSignal.timeout(Math.max(1, waitUntil - now()));
      try {
        record = await guard(fields, 'read', () => untilAborted(store.get(id, { signal }), signal), signal);
      } catch (error) {
        if (signal.aborted) return turnAway();
        throw error;
      }
    }
  }
  // Keys claimed and released over and over by others: rare enough to hand back to the caller.
  telemetry.event('changingHands', fields);
  return { kind: 'in-progress', retryAfterSeconds: 1 };
}

/** The answer from a record that holds the key: the stored result replayed, or a refusal. */
async function answer<S>(
  { cache, telemetry, options, storeFault }: Claimant,
  decision: Exclude<Decision, { kind: 'claim' | 'wait' }>,
  fields: Record<string, unknown>,
): Promise<Replayed<S> | Refusal> {
  if (decision.kind === 'replay' || decision.kind === 'write-refused') {
    cache.set(decision.record);
    telemetry.event('replayed', fields);
    // A write's refusal stored as the key's answer: every retry gets the answer the first caller got.
    if (decision.kind === 'write-refused') return { kind: 'write-refused', failures: decision.failures };
    const { record } = decision;
    const stored = decodeResult(record.result as Parameters<typeof decodeResult>[0]);
    const result = await decodeWithCodec(options.codec, stored, record.id, telemetry, storeFault);
    return { kind: 'replayed', result: result as S, createdAt: record.createdAt, expiresAt: record.expiration * 1000 };
  }
  telemetry.event(decision.kind, fields);
  return { kind: decision.kind };
}

/** `promise`, or a rejection as soon as `signal` aborts: a store that ignores the signal cannot hold the caller. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
