import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { STORE_ACTIONS } from 'lambda-idempotency/cdk';
import { grantIdempotency, type IdempotencyGrantOptions } from 'lambda-idempotency/cdk';
import { tableLayout } from 'lambda-idempotency/dynamodb';
import { logicalId, testApp } from '../infra/cdk-app';
import { SINGLE_TABLE_LAYOUT } from '../support/single-table';

function applicationTable(props: (stack: Stack) => Partial<dynamodb.TablePropsV2> = () => ({})) {
  const stack = new Stack(testApp(), 'AppStack', { env: { region: 'eu-west-1' } }); // a customer-managed key needs a region
  const table = new dynamodb.TableV2(stack, 'AppTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: 'ttl',
    ...props(stack),
  });
  const role = new iam.Role(stack, 'FunctionRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, table, role };
}

function statementsOf(template: Template) {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) =>
      policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Effect: string; Resource: unknown; Condition?: unknown }[],
  );
}

describe('grantIdempotency(table, grantee, layout) on a shared single table', () => {
  const { stack, table, role } = applicationTable();
  grantIdempotency(table, role, SINGLE_TABLE_LAYOUT);
  const template = Template.fromStack(stack);

  it('grants exactly the four store actions, on the table ARN, only for partition keys that start with the prefix', () => {
    const statements = statementsOf(template);
    expect(statements.map((s) => ({ ...s, Action: [...s.Action].sort() }))).toEqual([
      {
        Action: [...STORE_ACTIONS].sort(),
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logicalId(table), 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IDEMPOTENCY#*'] } },
      },
    ]);
  });

  it('grants nothing on indexes, no Query, Scan or batch action, and nothing without the condition', () => {
    const resources = JSON.stringify(statementsOf(template).map((s) => s.Resource));
    expect(resources).not.toMatch(/index/);
    expect(statementsOf(template).every((s) => s.Condition !== undefined)).toBe(true);
  });
});

describe('grantIdempotency also', () => {
  it('takes any grantable, an imported table included (whose keys it cannot check)', () => {
    const stack = new Stack(testApp(), 'Imported');
    const table = dynamodb.TableV2.fromTableName(stack, 'Existing', 'orders');
    const user = new iam.User(stack, 'Operator');
    grantIdempotency(table, user, { partitionKey: 'PK', partitionKeyValue: 'IDEM#{id}' });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IDEM#*'] } } })],
      },
      Users: [{ Ref: logicalId(user) }],
    });
  });

  it("grants encrypt and decrypt on the table's customer-managed key, as the table's own grants do", () => {
    let key!: kms.Key;
    const { stack, table, role } = applicationTable((scope) => {
      key = new kms.Key(scope, 'Key');
      return { encryption: dynamodb.TableEncryptionV2.customerManagedKey(key) };
    });
    grantIdempotency(table, role, SINGLE_TABLE_LAYOUT);
    const kmsStatements = statementsOf(Template.fromStack(stack)).filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));
    expect(kmsStatements).toEqual([expect.objectContaining({ Resource: { 'Fn::GetAtt': [logicalId(key), 'Arn'] } })]);
    expect([kmsStatements[0]!.Action].flat().sort()).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']);
  });
});

describe('grantIdempotency refuses', () => {
  it("an unknown option (a misspelt TTL attribute), with the wording the store's tableLayout uses", () => {
    const { table, role } = applicationTable();
    const options = { ...SINGLE_TABLE_LAYOUT, ttlAtribute: 'ttl' } as IdempotencyGrantOptions;
    expect(() => grantIdempotency(table, role, options)).toThrow(
      new TypeError('Unknown option `ttlAtribute` for grantIdempotency; did you mean `ttlAttribute`?'),
    );
    expect(() => tableLayout(options)).toThrow(new TypeError('Unknown option `ttlAtribute` for tableLayout; did you mean `ttlAttribute`?'));
  });

  it('a static partition key (the hot partition), with the TypeError the store gives', () => {
    const { table, role } = applicationTable();
    expect(() => grantIdempotency(table, role, { ...SINGLE_TABLE_LAYOUT, partitionKeyValue: 'IDEMPOTENCY', sortKeyValue: '{id}' })).toThrow(
      TypeError,
    );
  });

  it.each<[string, IdempotencyGrantOptions, RegExp]>([
    [
      'a partition key value without a prefix (the grant would cover every item)',
      { ...SINGLE_TABLE_LAYOUT, partitionKeyValue: '{id}' },
      /starts with \{id\}, so no prefix sets the idempotency items apart/,
    ],
    ['a prefix with an IAM wildcard', { ...SINGLE_TABLE_LAYOUT, partitionKeyValue: 'IDEM*{id}' }, /contains \*, \? or \$/],
    ['a prefix with a policy variable', { ...SINGLE_TABLE_LAYOUT, partitionKeyValue: '${aws:username}#{id}' }, /contains \*, \? or \$/],
    [
      "keys that are not the table's",
      { ...SINGLE_TABLE_LAYOUT, partitionKey: 'PK' },
      /the layout's keys \{"partitionKey":"PK","sortKey":"sk"\} are not the table's \{"partitionKey":"pk","sortKey":"sk"\}/,
    ],
    ['a missing sort key', { partitionKey: 'pk', partitionKeyValue: 'IDEMPOTENCY#{id}', ttlAttribute: 'ttl' }, /are not the table's/],
    [
      "a TTL attribute that is not the table's",
      { ...SINGLE_TABLE_LAYOUT, ttlAttribute: 'expiresAt' },
      /the table's TTL attribute is "ttl", the layout's "expiresAt": records would never expire/,
    ],
  ])('%s', (_case, options, message) => {
    const { table, role } = applicationTable();
    expect(() => grantIdempotency(table, role, options)).toThrow(message);
    expect(() => grantIdempotency(table, role, options)).toThrow(/^AppStack\/AppTable: grantIdempotency: /);
  });
});
