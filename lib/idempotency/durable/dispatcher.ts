import { DurableExecutionAlreadyStartedException, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSBatchResponse } from 'aws-lambda';
import { consoleLogger, type IdempotencyLogger } from '../core/telemetry';
import { assertFunction, assertOptionsObject, assertKnownOptions, describe, refuseOption } from '../core/validate';
import { dispatchMessages, isSqsEvent, type DispatchMessage, type DispatchSource } from './dispatch-message';
import { DISPATCH_SCOPE_ENV, DURABLE_FUNCTION_ENV } from './dispatcher-settings';
import { executionName } from './execution-name';

/** Options of `durableDispatcher`. */
export interface DurableDispatcherOptions {
  /**
   * The durable function each message starts an execution of: its qualified ARN or name (a version or an alias).
   * @default process.env.DURABLE_FUNCTION_NAME (the `DurableDispatcher` construct sets it)
   */
  readonly functionName?: string;
  /**
   * The key space of the executions' names: the same message id under two scopes starts two executions.
   * Keep it stable across deploys, like the `operation` of a wrapper.
   * @default process.env.DURABLE_DISPATCH_SCOPE, else 'default'
   */
  readonly scope?: string;
  /**
   * A message's stable id, or `undefined` when it has none (the message fails with that reason). One that throws
   * fails that message alone (`unreadable`), as does a `payload` reader that throws.
   * @default an SQS record's `messageId`, an event's `id` (EventBridge)
   */
  readonly id?: (message: DispatchSource) => string | undefined;
  /**
   * What the execution receives. It must be equal on every delivery of one message: Lambda refuses to start
   * a name again with another payload.
   * @default an SQS record's body (parsed when it is JSON), any other event whole
   */
  readonly payload?: (message: DispatchSource) => unknown;
  /** The client that invokes the durable function. @default new LambdaClient({}) */
  readonly client?: Pick<LambdaClient, 'send'>;
  /** Receives a line for each message that fails. @default JSON lines on the console */
  readonly logger?: IdempotencyLogger;
}

const OPTION_KEYS = ['functionName', 'scope', 'id', 'payload', 'client', 'logger'];

/** Why a message started no execution. */
export type DispatchFailure = 'no-stable-id' | 'unreadable' | 'payload-conflict' | 'invoke-failed';

/** A message the dispatcher could not hand to an execution; `reason` says why. */
export class DurableDispatchError extends Error {
  constructor(
    readonly reason: DispatchFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DurableDispatchError';
  }
}

/**
 * A Lambda handler that starts one durable execution per message (SQS records, EventBridge events, any event with a
 * stable id), named from the scope and the message's id (`executionName`), so that Lambda's own execution-name
 * idempotency absorbs every redelivery: a name started before with the same payload is a success. A name started
 * with another payload, or a message without a stable id, fails that message: an SQS record is reported in the
 * partial batch response (enable `ReportBatchItemFailures`), any other event throws `DurableDispatchError`.
 */
export function durableDispatcher(options: DurableDispatcherOptions = {}): (event: unknown) => Promise<SQSBatchResponse | undefined> {
  const given: unknown = options;
  assertOptionsObject(given);
  assertKnownOptions(options, OPTION_KEYS, 'durableDispatcher');
  const functionName = options.functionName ?? process.env[DURABLE_FUNCTION_ENV];
  if (typeof functionName !== 'string' || functionName.length === 0) {
    throw new TypeError(
      `Expected \`functionName\` (or $${DURABLE_FUNCTION_ENV}) to be a function name or ARN, got ${describe(functionName)}`,
    );
  }
  const scope = options.scope ?? process.env[DISPATCH_SCOPE_ENV] ?? 'default';
  if (typeof scope !== 'string' || scope.length === 0) refuseOption('scope', 'be a non-empty string', scope);
  assertFunction('id', options.id, true);
  assertFunction('payload', options.payload, true);
  const logger = options.logger ?? consoleLogger;
  const client = options.client ?? new LambdaClient({});

  const start = async (message: DispatchMessage): Promise<void> => {
    if (message.unreadable !== undefined) {
      throw new DurableDispatchError(
        'unreadable',
        `Message ${message.itemIdentifier} could not be read (${message.unreadable}): not started.`,
      );
    }
    if (message.stableId === undefined) {
      throw new DurableDispatchError(
        'no-stable-id',
        `Message ${message.itemIdentifier} has no stable id, so no execution name: not started.`,
      );
    }
    const name = executionName(scope, message.stableId);
    try {
      // Event: the dispatcher only starts the execution; Lambda answers once it is recorded (or was, under this name).
      await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          DurableExecutionName: name,
          Payload: Buffer.from(JSON.stringify(message.payload ?? null)),
        }),
      );
    } catch (error) {
      if (
        error instanceof DurableExecutionAlreadyStartedException ||
        (error as { name?: unknown })?.name === 'DurableExecutionAlreadyStartedException'
      ) {
        throw new DurableDispatchError(
          'payload-conflict',
          `Execution ${name} was started before with another payload: message ${message.itemIdentifier} reuses an id.`,
          { cause: error },
        );
      }
      throw new DurableDispatchError('invoke-failed', `Starting execution ${name} failed: ${(error as Error)?.message ?? error}`, {
        cause: error,
      });
    }
  };

  const report = (message: DispatchMessage, error: unknown) => {
    const reason = error instanceof DurableDispatchError ? error.reason : 'invoke-failed';
    logger.warn('The message started no durable execution.', { itemIdentifier: message.itemIdentifier, reason, error: String(error) });
  };

  return async (event) => {
    const messages = dispatchMessages(event, options);
    if (!isSqsEvent(event)) {
      const [message] = messages;
      try {
        await start(message!);
      } catch (error) {
        report(message!, error);
        throw error;
      }
      return undefined;
    }
    const failed = isFifo(event) ? await inOrder(messages, start, report) : await allAtOnce(messages, start, report);
    return { batchItemFailures: failed.map((message) => ({ itemIdentifier: message.itemIdentifier })) };
  };
}

type Start = (message: DispatchMessage) => Promise<void>;
type Report = (message: DispatchMessage, error: unknown) => void;

/** A FIFO batch: one at a time; after a failure, that record and every later one fail, so the order holds. */
async function inOrder(messages: DispatchMessage[], start: Start, report: Report): Promise<DispatchMessage[]> {
  for (const [index, message] of messages.entries()) {
    try {
      await start(message);
    } catch (error) {
      report(message, error);
      return messages.slice(index);
    }
  }
  return [];
}

/** A standard queue's batch: every record at once (a batch holds at most 10 000, and an invoke is one small request). */
async function allAtOnce(messages: DispatchMessage[], start: Start, report: Report): Promise<DispatchMessage[]> {
  const outcomes = await Promise.allSettled(messages.map(start));
  return messages.filter((message, index) => {
    const outcome = outcomes[index]!;
    if (outcome.status === 'fulfilled') return false;
    report(message, outcome.reason);
    return true;
  });
}

function isFifo(event: { Records: { eventSourceARN?: string }[] }): boolean {
  return event.Records.some((record) => record.eventSourceARN?.endsWith('.fifo'));
}
