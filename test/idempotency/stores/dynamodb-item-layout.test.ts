import { claimInput, completeInput, getInput, recordFromItem, releaseInput } from '../../../lib/idempotency/stores/dynamodb-item';
import { resolveTableLayout } from '../../../lib/idempotency/table-layout';
import { SINGLE_TABLE_LAYOUT } from '../../support/single-table';

const now = 1_796_000_000_123;
const layout = resolveTableLayout(SINGLE_TABLE_LAYOUT);
const key = { pk: { S: 'IDEMPOTENCY#abc' }, sk: { S: 'IDEMPOTENCY' } };

describe('DynamoDB inputs on a single-table layout (built without a client)', () => {
  it("claims under the table's own keys and TTL attribute, every other attribute prefixed, the condition on the partition key's name", () => {
    const input = claimInput(
      'app',
      { id: 'abc', leaseToken: 'tok', leaseExpiresAt: now + 4_000, expiration: 1_796_086_400, fingerprint: 'fp', now },
      layout,
    );
    expect(input.Item).toEqual({
      ...key,
      idem_status: { S: 'IN_PROGRESS' },
      idem_leaseToken: { S: 'tok' },
      idem_leaseExpiresAt: { N: String(now + 4_000) },
      ttl: { N: '1796086400' },
      idem_createdAt: { N: String(now) },
      idem_fingerprint: { S: 'fp' },
    });
    expect(input.ConditionExpression).toBe(
      'attribute_not_exists(#id) OR #expiration < :nowSeconds OR (#status = :inProgress AND #leaseExpiresAt < :nowMs)',
    );
    expect(input.ExpressionAttributeNames).toEqual({
      '#id': 'pk',
      '#expiration': 'ttl',
      '#status': 'idem_status',
      '#leaseExpiresAt': 'idem_leaseExpiresAt',
    });
  });

  it('reads, completes and releases by the full key; release passes on an absent record by the custom key name', () => {
    expect(getInput('app', 'abc', layout)).toEqual({ TableName: 'app', Key: key, ConsistentRead: true });
    const complete = completeInput('app', { id: 'abc', leaseToken: 'tok', expiration: 5, result: { encoding: 'json', data: '1' } }, layout);
    expect(complete.Key).toEqual(key);
    expect(complete.ExpressionAttributeNames).toMatchObject({
      '#expiration': 'ttl',
      '#leaseToken': 'idem_leaseToken',
      '#result': 'idem_result',
    });
    const release = releaseInput('app', 'abc', 'tok', layout);
    expect(release).toMatchObject({ Key: key, ConditionExpression: 'attribute_not_exists(#id) OR #leaseToken = :mine' });
    expect(release.ExpressionAttributeNames).toEqual({ '#id': 'pk', '#leaseToken': 'idem_leaseToken' });
  });

  it('reads its items back into records, and no business item (another key, or unprefixed attributes) as one', () => {
    const item = {
      ...key,
      idem_status: { S: 'COMPLETED' },
      ttl: { N: '9' },
      idem_resultEncoding: { S: 'undefined' },
      idem_createdAt: { N: '1' },
      idem_leaseToken: { S: 'tok' },
    };
    expect(recordFromItem(item, layout)).toEqual({
      id: 'abc',
      status: 'COMPLETED',
      expiration: 9,
      leaseToken: 'tok',
      fingerprint: undefined,
      result: { encoding: 'undefined' },
      createdAt: 1,
    });
    expect(recordFromItem({ ...item, pk: { S: 'ORDER#abc' } }, layout)).toBeUndefined();
    expect(recordFromItem({ ...key, status: { S: 'COMPLETED' }, ttl: { N: '9' } }, layout)).toBeUndefined();
  });
});
