import type { IdempotencyStore } from './store';
import type { MetricsSettings } from './telemetry';

/**
 * Receives a structured log line at each decision (claimed, replayed, waited, taken over, fenced off,
 * store errors), with the hashed key as `idempotencyKey`, never the raw key or the payload.
 * Powertools Logger fits as it is; for pino, pass `{ info: (m, f) => pino.info(f, m), … }`.
 * Only `warn` is required; `error` falls back to it.
 */
export interface IdempotencyLogger {
  debug?(message: string, fields: Record<string, unknown>): void;
  info?(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error?(message: string, fields: Record<string, unknown>): void;
}

/** Where and how the per-invocation metrics are written. */
export interface MetricsOptions {
  /** @default 'Idempotency' */
  readonly namespace?: string;
  /** @default { Service: <operation> }, or the function name while `operation` is not set */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** Receives each EMF line. @default a line on standard output, which Lambda sends to CloudWatch Logs */
  readonly emit?: (line: string) => void;
}

/** Options shared by every wrapper (`idempotent`, `idempotentHttp`). */
export interface EngineOptions {
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
   * The longest lease, whatever the remaining time says.
   * @default 901000 (Lambda's 15-minute maximum plus the default margin)
   */
  readonly maxLeaseMs?: number;
  /**
   * The lease when there is no Lambda context to read the remaining time from (a plain function call).
   * @default 60000
   */
  readonly leaseWithoutContextMs?: number;
  /**
   * How long a duplicate waits for an in-flight invocation's result before `IdempotencyInProgressError`;
   * never past its own remaining time minus `leaseMarginMs`. 0 answers at once.
   * @default 5000
   */
  readonly inFlightWaitMs?: number;
  /**
   * Keep completed records in this container's memory, so a warm duplicate is answered with no
   * DynamoDB call. `true` means `{ maxEntries: 1000 }`.
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
  /** The clock, in epoch ms. For tests. @default Date.now */
  readonly now?: () => number;
}

/** `EngineOptions` with every default applied. */
export type ResolvedEngineOptions = Required<Omit<EngineOptions, 'localCache' | 'metrics'>> & {
  readonly localCacheEntries: number;
  readonly metrics: MetricsSettings | undefined;
};

/** The defaults of `EngineOptions`, in one frozen place. */
export const ENGINE_DEFAULTS = Object.freeze({
  expiresAfterSeconds: 86_400,
  leaseMarginMs: 1_000,
  maxLeaseMs: 901_000,
  leaseWithoutContextMs: 60_000,
  inFlightWaitMs: 5_000,
  localCacheEntries: 1_000,
  operation: 'default',
});

/** Throws a `TypeError` naming `name` unless `value` is an integer of at least `min`. */
export function assertInteger(name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const wanted = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer >= ${min}`;
    throw new TypeError(`Expected \`${name}\` to be ${wanted}, got ${describe(value)}`);
  }
}

/** Throws a `TypeError` naming `name` unless `value` is a function (or absent when `optional`). */
export function assertFunction(name: string, value: unknown, optional: boolean): void {
  if (value === undefined && optional) return;
  if (typeof value !== 'function') throw new TypeError(`Expected \`${name}\` to be a function, got ${describe(value)}`);
}

/** Throws a `TypeError` naming `name` unless `value` is one of `allowed`. */
export function assertOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    const list = allowed.map((item) => `'${item}'`).join(' or ');
    throw new TypeError(`Expected \`${name}\` to be ${list}, got ${describe(value)}`);
  }
}

/** Throws a `TypeError` naming `name` unless `value` starts like an absolute URI (`scheme:`). */
export function assertUriPrefix(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    throw new TypeError(`Expected \`${name}\` to be an absolute URI prefix, got ${describe(value)}`);
  }
}

/** A short, safe rendering of a bad option value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Applies defaults and validates; called once, when a handler is wrapped. */
export function resolveEngineOptions(options: EngineOptions | undefined): ResolvedEngineOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected options to be an object, got ${describe(options)}`);
  }
  const store = options.store as Partial<IdempotencyStore> | undefined;
  if (!store || typeof store.claim !== 'function' || typeof store.complete !== 'function') {
    throw new TypeError(`Expected \`store\` to be an IdempotencyStore (DynamoDbStore or MemoryStore), got ${describe(store)}`);
  }
  const operation = options.operation ?? ENGINE_DEFAULTS.operation;
  if (typeof operation !== 'string' || operation.length === 0) {
    throw new TypeError(`Expected \`operation\` to be a non-empty string, got ${describe(operation)}`);
  }
  const resolved = {
    store: options.store,
    operation,
    expiresAfterSeconds: options.expiresAfterSeconds ?? ENGINE_DEFAULTS.expiresAfterSeconds,
    leaseMarginMs: options.leaseMarginMs ?? ENGINE_DEFAULTS.leaseMarginMs,
    maxLeaseMs: options.maxLeaseMs ?? ENGINE_DEFAULTS.maxLeaseMs,
    leaseWithoutContextMs: options.leaseWithoutContextMs ?? ENGINE_DEFAULTS.leaseWithoutContextMs,
    inFlightWaitMs: options.inFlightWaitMs ?? ENGINE_DEFAULTS.inFlightWaitMs,
    localCacheEntries: resolveCacheEntries(options.localCache),
    logger: options.logger ?? consoleLogger,
    // Metrics may name the function (a dimension, not a key): more telling than 'default' on a dashboard.
    metrics: resolveMetrics(options.metrics, options.operation ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? operation),
    now: options.now ?? Date.now,
  };
  assertInteger('expiresAfterSeconds', resolved.expiresAfterSeconds, 1);
  assertInteger('leaseMarginMs', resolved.leaseMarginMs, 0);
  assertInteger('maxLeaseMs', resolved.maxLeaseMs, 1);
  assertInteger('leaseWithoutContextMs', resolved.leaseWithoutContextMs, 1);
  assertInteger('inFlightWaitMs', resolved.inFlightWaitMs, 0);
  assertFunction('now', resolved.now, false);
  if (typeof resolved.logger?.warn !== 'function') {
    throw new TypeError(`Expected \`logger\` to have a warn method, got ${describe(resolved.logger)}`);
  }
  return resolved;
}

function resolveCacheEntries(localCache: EngineOptions['localCache']): number {
  if (localCache === undefined || localCache === false) return 0;
  if (localCache === true) return ENGINE_DEFAULTS.localCacheEntries;
  if (typeof localCache !== 'object' || localCache === null) {
    throw new TypeError(`Expected \`localCache\` to be a boolean or { maxEntries }, got ${describe(localCache)}`);
  }
  assertInteger('localCache.maxEntries', localCache.maxEntries, 1);
  return localCache.maxEntries;
}

function resolveMetrics(metrics: EngineOptions['metrics'], service: string): MetricsSettings | undefined {
  const enabled = metrics === undefined ? Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME) : metrics !== false;
  if (!enabled) return undefined;
  if (typeof metrics !== 'boolean' && metrics !== undefined && (typeof metrics !== 'object' || metrics === null)) {
    throw new TypeError(`Expected \`metrics\` to be a boolean or { namespace, dimensions, emit }, got ${describe(metrics)}`);
  }
  const settings: MetricsOptions = typeof metrics === 'object' ? metrics : {};
  const namespace = settings.namespace ?? 'Idempotency';
  if (typeof namespace !== 'string' || namespace.length === 0 || namespace.length > 255) {
    throw new TypeError(`Expected \`metrics.namespace\` to be a string of 1 to 255 characters, got ${describe(namespace)}`);
  }
  const dimensions = settings.dimensions ?? { Service: service };
  const entries = typeof dimensions === 'object' && dimensions !== null ? Object.entries(dimensions) : [];
  if (entries.length === 0 || entries.length > 30 || entries.some(([, value]) => typeof value !== 'string' || value.length === 0)) {
    throw new TypeError(`Expected \`metrics.dimensions\` to map 1 to 30 names to non-empty strings, got ${describe(dimensions)}`);
  }
  assertFunction('metrics.emit', settings.emit, true);
  return { namespace, dimensions, emit: settings.emit ?? ((line) => void process.stdout.write(`${line}\n`)) };
}

const consoleLogger: IdempotencyLogger = {
  warn: (message, fields) => console.warn(JSON.stringify({ level: 'WARN', message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'ERROR', message, ...fields })),
};
