/**
 * `idem.step`'s shape and its name rule, which every kind of step shares (stored, durable, keyless), and the stand-in
 * for a store that keeps none. The runner that stores steps (`step-runner.ts`) comes with the store that keeps them,
 * so a handler whose store keeps no steps bundles none of it.
 */
import { IdempotencyStepInvalidError, type IdempotencyStoreError } from '../../errors';
import type { ResultCodec } from '../codec-port';
import type { EncodedResult } from '../record';
import type { InvocationTelemetry } from '../telemetry';
import type { StepGetRequest, StepPutRequest, StepPutResult } from './step-record';

/** `idem.step`: runs `fn` once per request and name, and gives every later run of the request its stored result. */
export type StepFunction = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** What the steps need of a store (`IdempotencyStore`'s step members). */
export interface StepStore {
  readonly maxResultBytes: number;
  getStep?(request: StepGetRequest): Promise<EncodedResult | undefined>;
  putStep?(request: StepPutRequest): Promise<StepPutResult>;
}

/** What a request's steps need from the engine. */
export interface StepScope {
  readonly options: {
    readonly store: StepStore;
    readonly now: () => number;
    readonly expiresAfterSeconds: number;
    /** The handler's result codec: a step's result is stored as a result is (typed, redacted, encrypted). */
    readonly codec: ResultCodec | undefined;
  };
  readonly telemetry: InvocationTelemetry;
  /** Wraps a store failure as the invocation's own store fault (adapters answer it as a store failure): "Could not <what>: …". */
  readonly storeFault: (what: string, error: unknown) => IdempotencyStoreError;
}

/**
 * What a durable execution adds to a request's steps (the plain path passes none): the SDK's checkpoint as the first
 * recovery point, in front of the store's. With it, what goes wrong after a step's side effect (its result cannot be
 * encoded, checkpointed or stored) never fails the attempt, which the SDK would retry, running the side effect again.
 */
export interface StepCheckpoint {
  /** Runs `attempt` as the step `name` (the SDK's `context.step`): once; every replay gets what it returned (JSON). */
  readonly step: <C>(name: string, attempt: () => Promise<C>) => Promise<C>;
  /** Why a step's result, as the codec encoded it, cannot be checkpointed (its size), or `undefined` when it can. */
  readonly problem: (name: string, encoded: unknown) => string | undefined;
  /** Records a store fault that kept a finished step out of the store: the checkpoint still holds its result. */
  readonly storeFailed: (telemetry: InvocationTelemetry, id: string, error: unknown) => void;
  /**
   * Runs one piece of step work (an attempt; a decode) with telemetry of its own, flushed when the piece ends: an
   * invocation may end at any checkpoint, before a `finally` of the handler's. The scope's telemetry is not used.
   */
  readonly within: <R>(work: (telemetry: InvocationTelemetry) => Promise<R>) => Promise<R>;
}

/**
 * Makes the `idem.step` of one claimed request (record id, payload fingerprint): what a store that keeps steps gives.
 * A durable execution passes its `checkpoint`; the plain path passes none.
 */
export type StepRunner = (recordId: string, fingerprint: string | undefined, scope: StepScope, checkpoint?: StepCheckpoint) => StepFunction;

/**
 * Names must be unique within a request (a step is found again by its name alone), and non-empty strings.
 * Returns a checker that throws on the first name used twice.
 */
export function uniqueStepNames(): (name: unknown) => void {
  const used = new Set<string>();
  return (name) => {
    if (typeof name !== 'string' || name.length === 0)
      throw new TypeError(`Expected a step name to be a non-empty string, got ${String(name)}`);
    if (used.has(name))
      throw new IdempotencyStepInvalidError(
        `The step name ${JSON.stringify(name)} is used twice in one request: step names must be unique.`,
      );
    used.add(name);
  };
}

/** The `idem.step` of a claim whose store keeps no steps: names are checked as anywhere, then every step is refused. */
export const NO_STEPS: StepRunner = () => {
  const checkName = uniqueStepNames();
  return async (name) => {
    checkName(name);
    throw noStepsError();
  };
};

/** Why a store cannot take `idem.step`. */
export function noStepsError(): IdempotencyStepInvalidError {
  return new IdempotencyStepInvalidError(
    'This store keeps no steps (it has no getStep / putStep): idem.step needs one that does (DynamoDbStore with `steps: dynamoDbSteps()`, RedisStore, MemoryStore).',
  );
}
