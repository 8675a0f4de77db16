import type { ClaimRequest, ClaimResult, IdempotencyStore } from 'lambda-idempotency';
import { isClaimable } from './engine-adapter';
import type { Mutant } from './mutant';
import { releaseIgnoresToken, renewIgnoresFence, renewKeepsExpiration } from './mutants';
import type { ForcedFault, RequestSpec, ScenarioSpec } from './scenario';

/** A race the protocol must survive, as a fixed scenario; the old bug, as a mutant the scenario catches. */
export interface Regression {
  readonly name: string;
  readonly scenario: ScenarioSpec;
  /** The bug that once shipped (here or in the peer), reintroduced: the scenario must fail on it... */
  readonly bug: Mutant;
  /** ...breaking this invariant. */
  readonly invariant: string;
}

function scenario(requests: readonly Partial<RequestSpec>[], rest: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return {
    requests: requests.map((request, index) => ({
      index,
      wrapper: 'event',
      key: 'k1',
      payload: 'a',
      behaviour: 'ok',
      arrivalMs: 0,
      timeoutMs: 3000,
      ...request,
    })),
    inFlightWaitMs: 0,
    expiresAfterSeconds: 60,
    maxSkewMs: 100,
    outage: undefined,
    faultRate: 0,
    localCache: false,
    forced: [],
    ...rest,
  };
}

const forced = (...faults: ForcedFault[]) => ({ forced: faults });

function overriding(store: IdempotencyStore, methods: Partial<IdempotencyStore>): IdempotencyStore {
  return new Proxy(store, {
    get: (target, property) => (property in methods ? methods[property as keyof IdempotencyStore] : Reflect.get(target, property, target)),
  });
}

/** The peer's first race: a duplicate turned away released (deleted) the owner's record. */
const rejectedDuplicateDeletes: Mutant = {
  name: "a refused duplicate deletes the owner's record",
  wrap: (store) =>
    overriding(store, {
      claim: async (request) => {
        const result = await store.claim(request);
        if (!result.claimed && result.existing) await store.release(request.id, result.existing.leaseToken ?? '');
        return result;
      },
    }),
};

/** The peer's second race: a lock with no deadline (here: a lease of ten days). */
const leaseWithoutDeadline: Mutant = {
  name: 'a lease with no deadline',
  wrap: (store) =>
    overriding(store, { claim: (request) => store.claim({ ...request, leaseExpiresAt: request.leaseExpiresAt + 864_000_000 }) }),
};

/** The peer's third race: validation lost on completion (a completed record without its payload fingerprint). */
const completionLosesFingerprint: Mutant = {
  name: 'completion loses the payload fingerprint',
  wrap: (store) => {
    const strip = <T>(record: T): T =>
      (record as { status?: string } | undefined)?.status === 'COMPLETED' ? { ...record, fingerprint: undefined } : record;
    return overriding(store, {
      get: async (id, options) => strip(await store.get(id, options)),
      claim: async (request) => {
        const result = await store.claim(request);
        return result.claimed ? result : { claimed: false, existing: strip(result.existing) };
      },
    });
  },
};

/**
 * The peer's fourth race: orphan recovery read the record, judged its lease ended, and wrote over whatever
 * held the key by the time of the write (the read and the write are two scheduling points here).
 */
const staleSnapshotOverwrites: Mutant = {
  name: 'orphan recovery overwrites from a stale snapshot',
  wrap: (store) =>
    Object.assign(Object.create(store) as IdempotencyStore, {
      overwrite: async (request: ClaimRequest) => {
        const current = await store.get(request.id);
        if (current?.leaseToken !== undefined) await store.release(request.id, current.leaseToken);
        return store.claim(request);
      },
    }),
  wrapScheduled: (store) =>
    overriding(store, {
      claim: async (request) => {
        const snapshot = await store.get(request.id);
        if (!snapshot || !isClaimable(snapshot, request.now)) return store.claim(request);
        return (store as unknown as { overwrite: (request: ClaimRequest) => Promise<ClaimResult> }).overwrite(request);
      },
    }),
};

/** The peer's fifth race: the key recomputed from the mutated event when the claim is settled. */
const settlesRecomputedKey: Mutant = {
  name: 'the settlement recomputes the key from the mutated event',
  wrap: (store) => {
    const recomputed = (id: string) => `${id.slice(0, -7)}mutated`;
    return overriding(store, {
      complete: (request) => store.complete({ ...request, id: recomputed(request.id) }),
      release: (id, token) => store.release(recomputed(id), token),
    });
  },
};

/** This project's race: a claim whose answer was lost met its own record and waited for itself. */
const ownClaimNotRecognised: Mutant = {
  name: 'a retried claim does not recognise its own record',
  wrap: (store) =>
    overriding(store, {
      claim: async (request) => {
        const existing = await store.get(request.id);
        if (existing?.status === 'IN_PROGRESS' && existing.leaseToken === request.leaseToken) return { claimed: false, existing };
        return store.claim(request);
      },
    }),
};

/** This project's race: a retried completion or release that had landed was reported fenced. */
const retriedSettlementFenced: Mutant = {
  name: 'a retried completion or release that landed is reported fenced',
  wrap: (store) =>
    overriding(store, {
      complete: async (request) => {
        const existing = await store.get(request.id);
        if (existing?.status === 'COMPLETED') return { completed: false };
        return store.complete(request);
      },
      release: async (id, token) => ((await store.get(id)) ? store.release(id, token) : { released: false }),
    }),
};

/** Every regression scenario, named after its race. */
export const REGRESSIONS: readonly Regression[] = [
  {
    name: "peer race 1: a refused duplicate never deletes the owner's record",
    scenario: scenario([{ arrivalMs: 0 }, { arrivalMs: 10 }, { arrivalMs: 20 }, { arrivalMs: 30, wrapper: 'event' }]),
    bug: rejectedDuplicateDeletes,
    invariant: 'fencedWriterChangesNothing',
  },
  {
    name: 'peer race 2: a crashed owner frees the key when its lease ends (no lock without a deadline)',
    scenario: scenario([{ arrivalMs: 0 }, { arrivalMs: 500 }], forced({ request: 0, call: 'handler', fault: 'crash' })),
    bug: leaseWithoutDeadline,
    invariant: 'leaseEndsWithInvocation',
  },
  {
    name: 'peer race 3: the payload check survives completion (422 for another payload, never its result)',
    scenario: scenario([{ arrivalMs: 0 }, { arrivalMs: 1000, payload: 'b' }, { arrivalMs: 1500, payload: 'b', wrapper: 'event' }]),
    bug: completionLosesFingerprint,
    invariant: 'callerGetsFirstResultOrRefusal',
  },
  {
    name: 'peer race 4: orphan recovery never overwrites a record taken over in the meantime',
    scenario: scenario(
      [{ arrivalMs: 0, timeoutMs: 1500 }, { arrivalMs: 3000 }, { arrivalMs: 3000 }, { arrivalMs: 3001 }],
      forced({ request: 0, call: 'handler', fault: 'crash' }),
    ),
    bug: staleSnapshotOverwrites,
    invariant: 'fencedWriterChangesNothing',
  },
  {
    name: 'peer race 5: a handler that mutates its event still settles the record it claimed',
    scenario: scenario([
      { behaviour: 'mutates', wrapper: 'event' },
      { behaviour: 'mutates', wrapper: 'http', arrivalMs: 5 },
      { behaviour: 'mutates', wrapper: 'sqs', arrivalMs: 10 },
      { behaviour: 'throws', wrapper: 'event', key: 'k2', arrivalMs: 15 },
    ]),
    bug: settlesRecomputedKey,
    // The store answers "fenced" for the record the invocation does hold: the misdirected write shows there first.
    invariant: 'noFalseFencingAlarm',
  },
  {
    name: 'own-claim recognition: a claim whose answer was lost and retried is the caller’s claim',
    scenario: scenario([{ arrivalMs: 0 }, { arrivalMs: 200 }], forced({ request: 0, call: 'claim', fault: 'answer-lost-retried' })),
    bug: ownClaimNotRecognised,
    invariant: 'ownClaimRecognised',
  },
  {
    name: 'false fencing alarms: a completion or release retried after it landed is not reported fenced',
    scenario: scenario(
      [{ arrivalMs: 0 }, { arrivalMs: 0, key: 'k2', behaviour: 'throws' }],
      forced({ request: 0, call: 'complete', fault: 'answer-lost-retried' }, { request: 1, call: 'release', fault: 'answer-lost-retried' }),
    ),
    bug: retriedSettlementFenced,
    invariant: 'noFalseFencingAlarm',
  },
  {
    name: "release of a retried delete: the engine's retry of a landed release never deletes the next owner's record",
    scenario: scenario([{ arrivalMs: 0, behaviour: 'throws' }, { arrivalMs: 0 }, { arrivalMs: 20 }, { arrivalMs: 40 }], {
      inFlightWaitMs: 500,
      ...forced({ request: 0, call: 'release', fault: 'answer-lost' }),
    }),
    bug: releaseIgnoresToken,
    invariant: 'fencedWriterChangesNothing',
  },
  {
    name: "a late renewal: a keeper frozen past its lease never moves the next owner's lease",
    scenario: scenario(
      [
        { arrivalMs: 0, workMs: 8000, timeoutMs: 15_000 },
        { arrivalMs: 5600, workMs: 3000, timeoutMs: 15_000 },
      ],
      { leaseSliceMs: 5000, ...forced({ request: 0, call: 'renew', fault: 'pause' }) },
    ),
    bug: renewIgnoresFence,
    invariant: 'fencedWriterChangesNothing',
  },
  {
    name: 'a renewed lease keeps its record: the renewal moves the expiration too, so TTL never frees a live key',
    scenario: scenario([{ arrivalMs: 0, workMs: 9000, timeoutMs: 15_000 }, { arrivalMs: 6500 }, { arrivalMs: 7000 }, { arrivalMs: 8000 }], {
      leaseSliceMs: 5000,
      expiresAfterSeconds: 3,
    }),
    bug: renewKeepsExpiration,
    invariant: 'claimsAreExclusive',
  },
];
