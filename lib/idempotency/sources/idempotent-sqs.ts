import { SQS_DEFAULTS } from './sqs-defaults';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { IdempotencyEngine, type Invocation } from '../core/engine';
import { eventKeyReader, type EventKey } from '../core/event-key';
import { resolveEngineOptions, type EngineOptions } from '../core/options';
import { noteKeySpace } from '../core/shared-key-space';
import type { IdempotencyContext } from '../core/outcome';
import { assertFunction, assertInteger, assertOneOf } from '../core/validate';

/** Options of `idempotentSqs`. `inFlightWaitMs` defaults to 0 here: SQS redelivers, so waiting only burns time. */
export interface IdempotentSqsOptions extends EngineOptions {
  /**
   * A record's key: its business id where the message has one (`JSON.parse(record.body).orderId`).
   * `undefined` falls back to the `messageId`.
   * @default the record's `messageId`, which SQS keeps across redeliveries of one message
   */
  readonly key?: (record: SQSRecord) => string | undefined;
  /** The tenant a key belongs to. @default none */
  readonly scope?: (record: SQSRecord) => string | undefined;
  /**
   * What must be equal for a duplicate to count as one (hashed as canonical JSON); a mismatch fails the record.
   * @default none
   */
  readonly fingerprint?: (record: SQSRecord) => unknown;
  /**
   * How many records (of different keys) run at once; records with one key always run one after the other,
   * so an in-batch duplicate is a replay, not a redelivery. FIFO batches always run in order.
   * @default 1
   */
  readonly concurrency?: number;
  /**
   * After a failed record in a FIFO batch: `'stop-batch'` reports it and every later record as failed,
   * as AWS advises; `'skip-group'` does so only for later records of the same message group.
   * @default 'stop-batch'
   */
  readonly fifoFailure?: 'stop-batch' | 'skip-group';
}

/** Handles one SQS record; throwing fails the record (SQS redelivers it), not the batch. */
export type SqsRecordHandler<TResult> = (record: SQSRecord, context: Context, idem: IdempotencyContext) => Promise<TResult>;

/**
 * Runs `handler` once per record key and answers with a partial batch response (`ReportBatchItemFailures`
 * must be on for the event source mapping): a duplicate record, in this batch or a later one, is not run
 * again; a record whose key is in flight elsewhere, that throws or that meets a store fault is reported as
 * failed, so SQS redelivers it, and the others go on.
 */
export function idempotentSqs<TResult>(
  handler: SqsRecordHandler<TResult>,
  options: IdempotentSqsOptions,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  assertFunction('handler', handler, false);
  const engineOptions = resolveEngineOptions(options, 'idempotentSqs', SQS_OPTION_KEYS, { inFlightWaitMs: SQS_DEFAULTS.inFlightWaitMs });
  noteKeySpace(engineOptions, 'idempotentSqs');
  const engine = new IdempotencyEngine(engineOptions);
  assertFunction('key', options.key, true);
  const readKey = eventKeyReader<SQSRecord, undefined>(
    { scope: options.scope, fingerprint: options.fingerprint, key: (record) => options.key?.(record) ?? record.messageId },
    { key: (record) => record.messageId },
  );
  const concurrency = options.concurrency ?? SQS_DEFAULTS.concurrency;
  assertInteger('concurrency', concurrency, 1);
  const fifoFailure = options.fifoFailure ?? SQS_DEFAULTS.fifoFailure;
  assertOneOf('fifoFailure', fifoFailure, ['stop-batch', 'skip-group'] as const);

  /** The record's key, scope and fingerprint, or the error reading them threw (reported when the record is processed). */
  const read = (record: SQSRecord): EventKey | Error => {
    try {
      return readKey(record, undefined)!;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };

  async function processRecord(record: SQSRecord, key: EventKey | Error, context: Context, invocation: Invocation): Promise<boolean> {
    const failed = (reason: string) => {
      invocation.telemetry.record(undefined, 'warn', 'The record failed; SQS will deliver it again.', {
        messageId: record.messageId,
        error: reason,
      });
      return false;
    };
    try {
      if (key instanceof Error) throw key;
      const outcome = await invocation.execute({ ...key, run: (idem) => handler(record, context, idem) });
      // A refusal fails the record: SQS brings it back later, when the key may have completed.
      return outcome.kind === 'ran' || outcome.kind === 'replayed' ? true : failed(`refused: ${outcome.kind}`);
    } catch (error) {
      return failed(error instanceof Error ? `${error.name}: ${(error as { code?: string }).code ?? error.message}` : String(error));
    }
  }

  return async (event, context) =>
    engine.invoke(context, async (invocation) => {
      const records = event.Records ?? [];
      const keys = new Map(records.map((record) => [record, read(record)]));
      const process = (record: SQSRecord) => processRecord(record, keys.get(record)!, context, invocation);
      const failed = isFifo(records)
        ? await processFifo(records, process, fifoFailure)
        : await processStandard(records, process, (record) => keys.get(record)!, concurrency);
      return { batchItemFailures: failed.map((record): SQSBatchItemFailure => ({ itemIdentifier: record.messageId })) };
    });
}

/** The options `idempotentSqs` reads besides the engine's. */
const SQS_OPTION_KEYS = ['key', 'scope', 'fingerprint', 'concurrency', 'fifoFailure'];

function isFifo(records: readonly SQSRecord[]): boolean {
  return records.some((record) => record.eventSourceARN?.endsWith('.fifo') || record.attributes?.MessageGroupId !== undefined);
}

/** In order; after a failure, the rest of the batch (or of the group) is failed unprocessed, keeping group order. */
async function processFifo(
  records: readonly SQSRecord[],
  process: (record: SQSRecord) => Promise<boolean>,
  fifoFailure: 'stop-batch' | 'skip-group',
): Promise<SQSRecord[]> {
  const failed: SQSRecord[] = [];
  const failedGroups = new Set<string>();
  for (const record of records) {
    const group = record.attributes?.MessageGroupId ?? '';
    const blocked = fifoFailure === 'stop-batch' ? failed.length > 0 : failedGroups.has(group);
    if (blocked || !(await process(record))) {
      failed.push(record);
      failedGroups.add(group);
    }
  }
  return failed;
}

/** Records of one key run one after another; different keys run `concurrency` at a time. */
async function processStandard(
  records: readonly SQSRecord[],
  process: (record: SQSRecord) => Promise<boolean>,
  keyOf: (record: SQSRecord) => EventKey | Error,
  concurrency: number,
): Promise<SQSRecord[]> {
  const byKey = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const found = keyOf(record);
    const key = found instanceof Error ? `unkeyed:${record.messageId}` : JSON.stringify([found.scope ?? null, found.key]); // `process` reports the error
    byKey.set(key, [...(byKey.get(key) ?? []), record]);
  }
  const queues = [...byKey.values()];
  const failed = new Set<SQSRecord>();
  const worker = async () => {
    for (let queue = queues.shift(); queue; queue = queues.shift()) {
      for (const record of queue) if (!(await process(record))) failed.add(record);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queues.length) }, worker));
  return records.filter((record) => failed.has(record)); // in batch order
}
