import { MetricName } from './metric-name';
import { eventMessage, TELEMETRY_EVENTS, type TelemetryEvent } from './telemetry-events';

export { MetricName };

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
  /** @default { Service: <the `operation` option, else the function's name> } */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** Receives each EMF line. @default a line on standard output, which Lambda sends to CloudWatch Logs */
  readonly emit?: (line: string) => void;
}

/** The default logger: warnings and errors as JSON lines on the console, which Lambda sends to CloudWatch Logs. */
export const consoleLogger: IdempotencyLogger = {
  warn: (message, fields) => console.warn(JSON.stringify({ level: 'WARN', message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'ERROR', message, ...fields })),
};

/** Where the metrics of an invocation go. */
export interface MetricsSettings {
  readonly namespace: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly emit: (line: string) => void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Counts what happens to the keys of one invocation and logs each decision as it is taken.
 * Logs carry the hashed key (`idempotencyKey`), never the raw key or the payload.
 */
export class InvocationTelemetry {
  private readonly counts = new Map<MetricName, number>();
  private flushed = false;

  constructor(
    private readonly logger: IdempotencyLogger,
    private readonly metrics: MetricsSettings | undefined,
    private readonly now: () => number,
  ) {}

  /** Counts `metric` (if any) and logs `message` at `level` with the fields. */
  record(metric: MetricName | undefined, level: Level, message: string, fields: Record<string, unknown>): void {
    if (metric) this.counts.set(metric, (this.counts.get(metric) ?? 0) + 1);
    const log = this.logger[level] ?? (level === 'error' ? this.logger.warn : undefined);
    log?.call(this.logger, message, fields);
  }

  /** Records one of the engine's decisions (`TELEMETRY_EVENTS`): its metric, its level, its words. */
  event(event: TelemetryEvent, fields: Record<string, unknown>): void {
    const [metric, level] = TELEMETRY_EVENTS[event];
    const { step: _step, then: _then, ...rest } = fields;
    this.record(metric, level, eventMessage(event, fields), rest);
  }

  /** How often `metric` was counted so far. */
  count(metric: MetricName): number {
    return this.counts.get(metric) ?? 0;
  }

  /** Whether anything was counted so far: an invocation that only replayed a durable execution's checkpoints counted nothing. */
  counted(): boolean {
    for (const count of this.counts.values()) if (count > 0) return true;
    return false;
  }

  /**
   * Writes one EMF line with every metric (zeros included, so alarms see continuous data), if metrics
   * are on. Once per invocation: a second call writes nothing.
   */
  flush(): void {
    if (!this.metrics || this.flushed) return;
    this.flushed = true;
    this.metrics.emit(emfLine(this.metrics, this.counts, this.now()));
    this.counts.clear();
  }
}

/** An Embedded Metric Format document: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html */
export function emfLine(settings: Omit<MetricsSettings, 'emit'>, counts: ReadonlyMap<MetricName, number>, timestamp: number): string {
  const names = Object.values(MetricName);
  const document: Record<string, unknown> = {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: settings.namespace,
          Dimensions: [Object.keys(settings.dimensions)],
          Metrics: names.map((name) => ({ Name: name, Unit: 'Count' })),
        },
      ],
    },
    ...settings.dimensions,
  };
  for (const name of names) document[name] = counts.get(name) ?? 0;
  return JSON.stringify(document);
}
