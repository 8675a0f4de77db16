import { claimInput, completeInput, recordFromItem, releaseInput } from '../../../lib/idempotency/stores/dynamodb-item';

const now = 1_796_000_000_123;

describe('DynamoDB inputs (built without a client)', () => {
  it('claims with one conditional put that admits only an absent, expired or lease-expired record and returns the holder', () => {
    const input = claimInput('table', {
      id: 'abc',
      leaseToken: 'tok',
      leaseExpiresAt: now + 4_000,
      expiration: 1_796_086_400,
      fingerprint: 'fp',
      now,
    });
    expect(input).toMatchObject({
      TableName: 'table',
      ConditionExpression: 'attribute_not_exists(#id) OR #expiration < :nowSeconds OR (#status = :inProgress AND #leaseExpiresAt < :nowMs)',
      ExpressionAttributeValues: { ':nowSeconds': { N: '1796000000' }, ':nowMs': { N: String(now) }, ':inProgress': { S: 'IN_PROGRESS' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(input.Item).toEqual({
      id: { S: 'abc' },
      status: { S: 'IN_PROGRESS' },
      leaseToken: { S: 'tok' },
      leaseExpiresAt: { N: String(now + 4_000) },
      expiration: { N: '1796086400' },
      createdAt: { N: String(now) },
      fingerprint: { S: 'fp' },
    });
  });

  it('fences completion and release on the lease token, and keeps the token so a retried completion passes its own fence', () => {
    const complete = completeInput('table', { id: 'abc', leaseToken: 'tok', expiration: 5, result: { encoding: 'json', data: '{"a":1}' } });
    expect(complete.ConditionExpression).toBe('#leaseToken = :mine');
    expect(complete.ExpressionAttributeValues?.[':mine']).toEqual({ S: 'tok' });
    expect(complete.UpdateExpression).toBe(
      'SET #status = :completed, #expiration = :expiration, #resultEncoding = :encoding, #result = :result REMOVE #leaseExpiresAt',
    );
    const release = releaseInput('table', 'abc', 'tok');
    expect(release).toMatchObject({
      ConditionExpression: 'attribute_not_exists(#id) OR #leaseToken = :mine', // absent: a retried release that landed
      ExpressionAttributeValues: { ':mine': { S: 'tok' } },
    });
  });

  it('stores a compressed result as binary and an omitted one without a result attribute', () => {
    const gzip = completeInput('t', {
      id: 'a',
      leaseToken: 't',
      expiration: 1,
      result: { encoding: 'json-gzip', data: new Uint8Array([1, 2]) },
    });
    expect(gzip.ExpressionAttributeValues?.[':result']).toEqual({ B: new Uint8Array([1, 2]) });
    const omitted = completeInput('t', { id: 'a', leaseToken: 't', expiration: 1, result: { encoding: 'omitted' } });
    expect(omitted.UpdateExpression).toMatch(/REMOVE #leaseExpiresAt, #result$/);
    expect(omitted.ExpressionAttributeValues?.[':result']).toBeUndefined();
  });

  it('reads items back into records, and ignores items that are not records of this library', () => {
    expect(
      recordFromItem({
        id: { S: 'a' },
        status: { S: 'COMPLETED' },
        expiration: { N: '9' },
        resultEncoding: { S: 'undefined' },
        createdAt: { N: '1' },
      }),
    ).toEqual({
      id: 'a',
      status: 'COMPLETED',
      expiration: 9,
      leaseToken: undefined,
      fingerprint: undefined,
      result: { encoding: 'undefined' },
      createdAt: 1,
    });
    expect(recordFromItem({ id: { S: 'a' }, status: { S: 'SOMETHING' }, expiration: { N: '9' } })).toBeUndefined();
    expect(recordFromItem(undefined)).toBeUndefined();
  });
});
