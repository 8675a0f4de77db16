import type { Choices } from './choices';

/** The wrappers a simulated request goes through (the public ones). */
export type Wrapper = 'event' | 'http' | 'sqs';

/** What the handler does once it runs. */
export type Behaviour =
  /** Charges downstream (with `idem.downstreamKey`) and returns its result. */
  | 'ok'
  /** Charges, then throws: the key is released. */
  | 'throws'
  /** Charges, then answers a result the adapter does not store (HTTP 500, SQS throws): released. */
  | 'not-final'
  /** Charges, then rewrites its event and payload before returning (the peer's recomputed-key race). */
  | 'mutates'
  /** Charges and commits a ledger item with the result (`idem.write`, atomic completion). */
  | 'writes';

/** A fault a store call or a handler step can meet. */
export type FaultKind = 'none' | 'crash' | 'never-lands' | 'answer-lost' | 'answer-lost-retried' | 'pause';

/** One request: a client's call with a key, arriving at `arrivalMs` (virtual, from the start). */
export interface RequestSpec {
  readonly index: number;
  readonly wrapper: Wrapper;
  /** The client's idempotency key. */
  readonly key: string;
  /** The payload: requests of one key with different payloads must get 422, never each other's result. */
  readonly payload: string;
  readonly behaviour: Behaviour;
  readonly arrivalMs: number;
  /** The function's timeout: the invocation ends there (Lambda stops it), unless it is paused. */
  readonly timeoutMs: number;
  /** How long the handler works (virtual ms) before its downstream charge: long work is where leases are renewed. @default 0 */
  readonly workMs?: number | undefined;
}

/** A fault forced on a request's nth call of one kind, whatever the choices say (regression scenarios). */
export interface ForcedFault {
  readonly request: number;
  /** A store method (`claim`, `complete`, `release`, `get`, `completeWith`, …) or `handler`. */
  readonly call: string;
  /** 1-based. @default 1 */
  readonly nth?: number;
  readonly fault: FaultKind;
}

/** Everything a run is made of besides its schedule. */
export interface ScenarioSpec {
  readonly requests: readonly RequestSpec[];
  readonly inFlightWaitMs: number;
  readonly expiresAfterSeconds: number;
  /** The engine's `leaseSliceMs`: the shortest (5 s) renews within the scenarios' timeouts. @default the engine's */
  readonly leaseSliceMs?: number | undefined;
  /** Bound of each container clock's offset from the global one (below `leaseMarginMs`). */
  readonly maxSkewMs: number;
  /** A window (virtual ms from the start) in which every store call fails before it lands. */
  readonly outage?: { readonly fromMs: number; readonly toMs: number } | undefined;
  /** Probability that a store call or handler step meets a fault. 0: none (but the forced ones). */
  readonly faultRate: number;
  /** Whether containers keep completed records in memory (`localCache`). */
  readonly localCache: boolean;
  /**
   * Whether a caller turned away (409 in progress, 503, lease lost) sends its request again once, after the
   * retry time it was given (or 1 s): the retries that meet a renewed lease, or take a key over. @default false
   */
  readonly retries?: boolean | undefined;
  readonly forced: readonly ForcedFault[];
}

/** The lease margin every simulated wrapper uses (the default). */
export const LEASE_MARGIN_MS = 1000;

/** What a generated scenario may use: atomic completion only where the store has it. */
export interface ScenarioLimits {
  readonly atomicCompletion: boolean;
}

/**
 * A scenario drawn from `choices`: one to three keys, each behind one wrapper, two to eight requests
 * arriving within a few seconds, some with long work (renewed leases, deadlines in the middle of the work), sometimes a second payload for a key, sometimes an outage. One scenario
 * in three is contended: one key, its requests within half a second, faults and failing handlers more
 * often, where takeovers, fenced writers and retried settlements meet.
 */
export function generateScenario(choices: Choices, limits: ScenarioLimits): ScenarioSpec {
  const contended = choices.chance(0.33);
  const keys = Array.from({ length: contended ? 1 : choices.between(1, 3) }, (_, index) => ({
    key: `k${index + 1}`,
    wrapper: choices.pick<Wrapper>(['event', 'http', 'sqs']),
  }));
  const behaviours: Behaviour[] = ['ok', 'throws', 'not-final', 'mutates', ...(limits.atomicCompletion ? (['writes'] as const) : [])];
  const requests = Array.from({ length: choices.between(contended ? 4 : 2, 8) }, (_, index): RequestSpec => {
    const { key, wrapper } = choices.pick(keys);
    return {
      index,
      wrapper,
      key,
      payload: choices.chance(0.1) ? 'b' : 'a',
      behaviour: choices.chance(contended ? 0.6 : 0.4) ? choices.pick(behaviours) : 'ok',
      arrivalMs: choices.int(contended ? 500 : 4000),
      timeoutMs: choices.pick([1500, 3000, 6000, 15_000]),
      workMs: choices.chance(contended ? 0.6 : 0.3) ? choices.between(500, 14_000) : 0,
    };
  });
  const outageFrom = choices.int(6000);
  return {
    requests,
    inFlightWaitMs: choices.pick([0, 500, 2000]),
    expiresAfterSeconds: choices.pick([60, 8, 3]),
    leaseSliceMs: choices.chance(0.75) ? 5000 : 60_000,
    maxSkewMs: choices.pick([0, 100, 400]),
    outage: choices.chance(0.15) ? { fromMs: outageFrom, toMs: outageFrom + choices.between(50, 1500) } : undefined,
    faultRate: contended ? choices.pick([0.1, 0.2, 0.3]) : choices.pick([0.03, 0.1, 0.2]),
    localCache: choices.chance(0.5),
    retries: choices.chance(0.5),
    forced: [],
  };
}
