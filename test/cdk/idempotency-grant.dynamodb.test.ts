import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { idempotent } from '../../lib/idempotency';
import { DynamoDbStore, tableLayout } from '../../lib/idempotency/dynamodb';
import { STORE_ACTIONS } from 'lambda-idempotency/cdk';
import { grantIdempotency } from 'lambda-idempotency/cdk';
import { testClient } from '../support/dynamodb';
import { lambdaContext } from '../support/lambda-context';
import { recordingLogger } from '../support/silent-logger';
import { freshApplicationTable, SINGLE_TABLE_LAYOUT } from '../support/single-table';
import { describeStoreContract } from '../support/store-contract';
import { testApp } from '../infra/cdk-app';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** The statements `grantIdempotency` writes for SINGLE_TABLE_LAYOUT, as CloudFormation would receive them. */
function grantedStatements(): Statement[] {
  const stack = new Stack(testApp(), 'Grant');
  const table = new dynamodb.TableV2(stack, 'AppTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: 'ttl',
  });
  grantIdempotency(
    table,
    new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }),
    SINGLE_TABLE_LAYOUT,
  );
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement,
  );
}

/** One item request as DynamoDB authorises it: the action and the partition key values it touches. */
interface ItemRequest {
  readonly action: string;
  readonly leadingKeys: readonly string[];
}

/**
 * Whether the statements allow the request, as IAM evaluates these conditions (the resource, the table's ARN,
 * is asserted by the template test). Any condition it does not know fails the test rather than pass unread.
 */
function allows(statements: Statement[], request: ItemRequest): boolean {
  return statements.some((statement) => {
    if (statement.Effect !== 'Allow' || ![statement.Action].flat().includes(request.action)) return false;
    return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, patterns]) => {
        if (operator !== 'ForAllValues:StringLike' || key !== 'dynamodb:LeadingKeys')
          throw new Error(`no evaluator for ${operator} ${key}`);
        return request.leadingKeys.every((value) => [patterns].flat().some((pattern) => stringLike(pattern, value)));
      }),
    );
  });
}

function stringLike(pattern: string, value: string): boolean {
  const regex = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`, 's').test(value);
}

// Every request the store's client sends, captured by SDK middleware on its way to DynamoDB Local.
const sent: ItemRequest[] = [];
const client = testClient();
client.middlewareStack.add(
  (next, context) => async (args) => {
    const input = args.input as { Key?: Record<string, AttributeValue>; Item?: Record<string, AttributeValue> };
    const partitionValue = (input.Key ?? input.Item)?.pk?.S;
    sent.push({
      action: `dynamodb:${String(context.commandName).replace(/Command$/, '')}`,
      leadingKeys: partitionValue === undefined ? [] : [partitionValue],
    });
    return next(args);
  },
  { step: 'initialize', name: 'captureItemRequests' },
);
afterAll(() => client.destroy());

let tableName: string;
beforeAll(async () => {
  // Created through another client, so table management is not among the captured requests.
  const admin = testClient();
  tableName = await freshApplicationTable(admin, { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'ttl' }, { ttl: false });
  admin.destroy();
});

describeStoreContract(
  'DynamoDbStore under the idempotency grant',
  () => new DynamoDbStore({ tableName, client, layout: tableLayout(SINGLE_TABLE_LAYOUT) }),
);

describe('every request the store sends satisfies the grant', () => {
  const statements = grantedStatements();

  it('also through the wrapper: a run, a duplicate that waits for it, a replay, a release', async () => {
    const wrapped = idempotent(
      async (event: { key: string; fail?: boolean }) => {
        await sleep(100);
        if (event.fail) throw new Error('declined');
        return event.key;
      },
      {
        store: new DynamoDbStore({ tableName, client, layout: tableLayout(SINGLE_TABLE_LAYOUT) }),
        operation: `grant-${randomUUID()}`,
        key: (event) => event.key,
        logger: recordingLogger(),
      },
    );
    expect(await Promise.all([wrapped({ key: 'k' }, lambdaContext()), wrapped({ key: 'k' }, lambdaContext())])).toEqual(['k', 'k']);
    expect(await wrapped({ key: 'k' }, lambdaContext())).toBe('k');
    await expect(wrapped({ key: 'f', fail: true }, lambdaContext())).rejects.toThrow('declined');
  });

  it('sent each of the four item actions, every one with a key that starts with the prefix, and each allowed', () => {
    expect(new Set(sent.map((request) => request.action))).toEqual(new Set(STORE_ACTIONS));
    expect(sent.filter((request) => request.leadingKeys.length !== 1 || !request.leadingKeys[0]!.startsWith('IDEMPOTENCY#'))).toEqual([]);
    expect(sent.filter((request) => !allows(statements, request))).toEqual([]);
    expect(sent.length).toBeGreaterThan(40);
  });

  it("allows none of the table's business items, nor another action, through the same grant", () => {
    for (const action of STORE_ACTIONS) {
      expect(allows(statements, { action, leadingKeys: ['CUSTOMER#42'] })).toBe(false);
      expect(allows(statements, { action, leadingKeys: ['idempotency#lowercase'] })).toBe(false);
    }
    expect(allows(statements, { action: 'dynamodb:Query', leadingKeys: ['IDEMPOTENCY#x'] })).toBe(false);
    expect(allows(statements, { action: 'dynamodb:GetItem', leadingKeys: ['IDEMPOTENCY#x'] })).toBe(true);
  });
});
