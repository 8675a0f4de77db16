import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

/** An SQS record as Lambda's event source mapping delivers it (standard, or FIFO with a group). */
export function sqsRecord(
  body: unknown,
  overrides: { messageId?: string; groupId?: string; fifo?: boolean; receiveCount?: number } = {},
): SQSRecord {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const fifo = overrides.fifo ?? overrides.groupId !== undefined;
  return {
    messageId: overrides.messageId ?? randomUUID(),
    receiptHandle: `AQEB${randomUUID().replace(/-/g, '')}`,
    body: text,
    attributes: {
      ApproximateReceiveCount: String(overrides.receiveCount ?? 1),
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
      ...(fifo && {
        MessageGroupId: overrides.groupId ?? 'group-1',
        MessageDeduplicationId: randomUUID(),
        SequenceNumber: String(Date.now()),
      }),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(text).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:orders${fifo ? '.fifo' : ''}`,
    awsRegion: 'us-east-1',
  };
}

/** A batch as Lambda delivers it. */
export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
