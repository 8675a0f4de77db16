import { assertCodec, type ResultCodec } from './codec-port';
import { DEFAULTS } from './defaults';
import { LEASE_OPTION_KEYS, resolveLeaseOptions, type LeaseOptions, type ResolvedLeaseOptions } from './lease-options';
import type { IdempotencyStore } from './store';
import { consoleLogger, type IdempotencyLogger, type MetricsOptions, type MetricsSettings } from './telemetry';
import { assertFunction, assertInteger, assertKnownOptions, assertOptionsObject, refuseOption } from './validate';

/** Options shared by every wrapper (`idempotent`, `idempotentHttp`, `idempotentSqs`, `idempotentWebhook`, the middy middleware). */
export interface EngineOptions extends LeaseOptions {
  /** Where records live: `new DynamoDbStore({ tableName })`, or `new MemoryStore()` in unit tests. */
  readonly store: IdempotencyStore;
  /**
   * Names the operation keys belong to; the same client key under two operations never meets, and
   * `idem.downstreamKey()` derives from it. Keep it stable across deploys; change it only when the
   * operation changes meaning (a new version of an endpoint's semantics). HTTP and webhooks add the
   * method and route to it. Never the function name: CloudFormation generates that, and a deploy that
   * replaces the function would forget every stored key and change every downstream key.
   * @default 'default'
   */
  readonly operation?: string;
  /**
   * How long a record is kept, from its completion: a little longer than the longest retry window.
   * @default 86400 (24 hours)
   */
  readonly expiresAfterSeconds?: number;
  /**
   * Milliseconds added to the invocation's remaining time to make its lease (covers clock skew and the
   * completing write); also kept in hand when a duplicate waits, so it answers before its own timeout.
   * @default 1000
   */
  readonly leaseMarginMs?: number;
  /**
   * The longest lease one write grants, whatever the remaining time says. A handler that outlives it is
   * renewed (see `leaseSliceMs`), so it no longer limits how long live work runs.
   * @default 901000 (Lambda's 15-minute maximum plus the default margin)
   */
  readonly maxLeaseMs?: number;
  /**
   * The longest lease one write grants when there is no Lambda context to read the remaining time from (a
   * plain function call, a container task); renewed like any other while the work runs.
   * @default 60000
   */
  readonly leaseWithoutContextMs?: number;
  /**
   * How long a duplicate waits for an in-flight invocation's result before it is turned away (HTTP 409);
   * never past its own remaining time minus `leaseMarginMs`. 0 answers at once.
   * @default 5000 (0 for `idempotentSqs`)
   */
  readonly inFlightWaitMs?: number;
  /**
   * Keep completed records in this container's memory, so a warm duplicate is answered with no
   * store call. `true` means `{ maxEntries: 1000 }`.
   * @default false
   */
  readonly localCache?: boolean | { readonly maxEntries: number };
  /**
   * Receives a log line at each decision; see `IdempotencyLogger`.
   * @default JSON lines on the console, warnings and errors only
   */
  readonly logger?: IdempotencyLogger;
  /**
   * One CloudWatch Embedded Metric Format line per invocation with the counts in `MetricName`;
   * `false` turns it off.
   * @default on inside Lambda (`AWS_LAMBDA_FUNCTION_NAME` set), off elsewhere
   */
  readonly metrics?: boolean | MetricsOptions;
  /**
   * Encodes results before they are stored and decodes them on replay: `typedCodec()` (Dates, Maps, BigInts…),
   * `redactResults(…)`, `encryptResults(…)`, or several in a row with `composeCodecs`. Records written without
   * it stay readable: a codec passes through values that are not its own format.
   * @default none: results are stored as JSON
   */
  readonly codec?: ResultCodec;
  /** The clock, in epoch ms. For tests. @default Date.now */
  readonly now?: () => number;
  /** How the engine pauses between polls and write retries. For tests. @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Randomness for jitter, 0 ≤ r < 1. For tests. @default Math.random */
  readonly random?: () => number;
}

/** The keys of `EngineOptions`: every wrapper accepts these besides its own. */
export const ENGINE_OPTION_KEYS: readonly string[] = Object.freeze([
  'store',
  'operation',
  'expiresAfterSeconds',
  'leaseMarginMs',
  'maxLeaseMs',
  'leaseWithoutContextMs',
  'inFlightWaitMs',
  'localCache',
  'logger',
  'metrics',
  'codec',
  'now',
  'sleep',
  'random',
  ...LEASE_OPTION_KEYS,
]);

/** `EngineOptions` with every default applied. */
export type ResolvedEngineOptions = Required<Omit<EngineOptions, 'localCache' | 'metrics' | 'codec' | keyof LeaseOptions>> &
  ResolvedLeaseOptions & {
    readonly codec: ResultCodec | undefined;
    readonly localCacheEntries: number;
    readonly metrics: MetricsSettings | undefined;
  };

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The integer options, in the order they are checked, with the least each may be. */
const INTEGER_MINIMUMS = [
  ['expiresAfterSeconds', 1],
  ['leaseMarginMs', 0],
  ['maxLeaseMs', 1],
  ['leaseWithoutContextMs', 1],
  ['inFlightWaitMs', 0],
] as const;

/**
 * Applies defaults and validates; called once, when a handler is wrapped. `adapterKeys` are the options
 * the wrapper itself reads: any other key is refused, naming the closest valid one.
 */
export function resolveEngineOptions(
  options: EngineOptions | undefined,
  wrapper: string,
  adapterKeys: readonly string[],
  defaults: { readonly inFlightWaitMs?: number } = {},
): ResolvedEngineOptions {
  assertOptionsObject(options);
  assertKnownOptions(options, [...ENGINE_OPTION_KEYS, ...adapterKeys], wrapper);
  const store = options.store as Partial<IdempotencyStore> | undefined;
  if (!store || typeof store.claim !== 'function' || typeof store.complete !== 'function') {
    refuseOption('store', 'be an IdempotencyStore (DynamoDbStore or MemoryStore)', store);
  }
  const operation = options.operation ?? DEFAULTS.operation;
  if (typeof operation !== 'string' || operation.length === 0) {
    refuseOption('operation', 'be a non-empty string', operation);
  }
  const resolved = {
    store: options.store,
    operation,
    expiresAfterSeconds: options.expiresAfterSeconds ?? DEFAULTS.expiresAfterSeconds,
    leaseMarginMs: options.leaseMarginMs ?? DEFAULTS.leaseMarginMs,
    maxLeaseMs: options.maxLeaseMs ?? DEFAULTS.maxLeaseMs,
    leaseWithoutContextMs: options.leaseWithoutContextMs ?? DEFAULTS.leaseWithoutContextMs,
    inFlightWaitMs: options.inFlightWaitMs ?? defaults.inFlightWaitMs ?? DEFAULTS.inFlightWaitMs,
    localCacheEntries: resolveCacheEntries(options.localCache),
    logger: options.logger ?? consoleLogger,
    // The metrics' service is the function's name unless an operation is named: a dimension may change with a deploy, a key may not.
    metrics: resolveMetrics(options.metrics, options.operation ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? operation),
    codec: options.codec,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? timerSleep,
    random: options.random ?? Math.random,
  };
  for (const [name, min] of INTEGER_MINIMUMS) assertInteger(name, resolved[name], min);
  assertCodec(resolved.codec);
  for (const name of ['now', 'sleep', 'random'] as const) assertFunction(name, resolved[name], false);
  if (typeof resolved.logger?.warn !== 'function') {
    refuseOption('logger', 'have a warn method', resolved.logger);
  }
  return { ...resolved, ...resolveLeaseOptions(options, resolved.leaseMarginMs) };
}

function resolveCacheEntries(localCache: EngineOptions['localCache']): number {
  if (localCache === undefined || localCache === false) return 0;
  if (localCache === true) return DEFAULTS.localCacheEntries;
  if (typeof localCache !== 'object' || localCache === null) {
    refuseOption('localCache', 'be a boolean or { maxEntries }', localCache);
  }
  assertInteger('localCache.maxEntries', localCache.maxEntries, 1);
  return localCache.maxEntries;
}

function resolveMetrics(metrics: EngineOptions['metrics'], service: string): MetricsSettings | undefined {
  const enabled = metrics === undefined ? Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME) : metrics !== false;
  if (!enabled) return undefined;
  if (typeof metrics !== 'boolean' && metrics !== undefined && (typeof metrics !== 'object' || metrics === null)) {
    refuseOption('metrics', 'be a boolean or { namespace, dimensions, emit }', metrics);
  }
  const settings: MetricsOptions = typeof metrics === 'object' ? metrics : {};
  const namespace = settings.namespace ?? DEFAULTS.metricsNamespace;
  if (typeof namespace !== 'string' || namespace.length === 0 || namespace.length > 255) {
    refuseOption('metrics.namespace', 'be a string of 1 to 255 characters', namespace);
  }
  const dimensions = settings.dimensions ?? { Service: service };
  const entries = typeof dimensions === 'object' && dimensions !== null ? Object.entries(dimensions) : [];
  if (entries.length === 0 || entries.length > 30 || entries.some(([, value]) => typeof value !== 'string' || value.length === 0)) {
    refuseOption('metrics.dimensions', 'map 1 to 30 names to non-empty strings', dimensions);
  }
  assertFunction('metrics.emit', settings.emit, true);
  return { namespace, dimensions, emit: settings.emit ?? ((line) => void process.stdout.write(`${line}\n`)) };
}
