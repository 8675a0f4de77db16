/** The dispatcher's pure part: which messages an event carries, their stable ids and the payload each execution gets. */

import type { EventBridgeEvent, SQSEvent, SQSRecord } from 'aws-lambda';

/** One message to start an execution for: its stable id (absent: it cannot be dispatched) and its payload. */
export interface DispatchMessage {
  /** What a failed message is reported as: the SQS record's `messageId` (a partial batch response), else the event's id. */
  readonly itemIdentifier: string;
  /** The id every delivery of this message carries, or `undefined` when it has none. */
  readonly stableId: string | undefined;
  /** What the execution receives; equal across redeliveries, or Lambda refuses the second start. */
  readonly payload: unknown;
  /** Why a reader (`id` or `payload`) threw on this message, which then fails alone; absent when both read it. */
  readonly unreadable?: string;
}

/** A message the dispatcher reads: an SQS record, or an EventBridge (or any) event. */
export type DispatchSource = SQSRecord | EventBridgeEvent<string, unknown> | Record<string, unknown>;

/** How the dispatcher reads a message; both default per source. */
export interface MessageReaders {
  readonly id?: ((message: DispatchSource) => string | undefined) | undefined;
  readonly payload?: ((message: DispatchSource) => unknown) | undefined;
}

/** Whether the event is an SQS batch (each record dispatched on its own) rather than one event. */
export function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.every((record) => (record as { eventSource?: unknown })?.eventSource === 'aws:sqs');
}

/**
 * The stable id of a message: an SQS record's `messageId` (kept across redeliveries of one message), an
 * event's `id` (EventBridge keeps it across its retries; a number as its decimal string). Anything else has none.
 */
export function defaultStableId(message: DispatchSource): string | undefined {
  const record = message as Partial<SQSRecord>;
  if (record.eventSource === 'aws:sqs') return nonEmpty(record.messageId);
  const id = (message as { id?: unknown }).id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return nonEmpty(id);
}

/**
 * What the execution receives: an SQS record's body (parsed when it is JSON), never the record itself, whose
 * receive count changes on every redelivery and would make Lambda refuse the second start; any other event whole.
 */
export function defaultPayload(message: DispatchSource): unknown {
  const record = message as Partial<SQSRecord>;
  if (record.eventSource !== 'aws:sqs') return message;
  const body = record.body ?? '';
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** The messages of an event, each with its stable id and payload. */
export function dispatchMessages(event: unknown, readers: MessageReaders): DispatchMessage[] {
  const readId = readers.id ?? defaultStableId;
  const readPayload = readers.payload ?? defaultPayload;
  const messages: DispatchSource[] = isSqsEvent(event) ? event.Records : [event as DispatchSource];
  return messages.map((message, index) => {
    const record = message as Partial<SQSRecord>;
    const sqsId = record.eventSource === 'aws:sqs' && record.messageId ? record.messageId : undefined;
    let stage = 'id';
    try {
      const stableId = nonEmpty(readId(message));
      stage = 'payload';
      return { itemIdentifier: sqsId ?? stableId ?? `#${index}`, stableId, payload: readPayload(message) };
    } catch (error) {
      // A reader that throws on one message (a body that is not an order) fails that message, never its batch.
      return {
        itemIdentifier: sqsId ?? `#${index}`,
        stableId: undefined,
        payload: undefined,
        unreadable: `the ${stage} reader threw: ${String(error)}`,
      };
    }
  });
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
