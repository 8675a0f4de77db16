import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { grantIdempotency, IdempotencyTable, KMS_ENCRYPTION_CONTEXT_KEY, RESULT_KEY_ACTIONS, STORE_ACTIONS } from 'lambda-idempotency/cdk';
import { logicalId, testApp } from '../infra/cdk-app';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
const statementsOf = (template: Template): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
const actions = (statement: Statement) => [statement.Action].flat().sort();

const KMS_STATEMENT = (key: kms.Key) => ({
  Action: [...RESULT_KEY_ACTIONS].sort(),
  Resource: { 'Fn::GetAtt': [logicalId(key), 'Arn'] },
  // ForAllValues alone holds for a request with no encryption context at all: the Null condition requires one.
  Condition: {
    'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [KMS_ENCRYPTION_CONTEXT_KEY] },
    Null: { 'kms:EncryptionContextKeys': 'false' },
  },
});

describe('the grants on the results’ KMS key (encryptResults with kmsKeyProvider)', () => {
  it('IdempotencyTable.grant(fn, { resultEncryptionKey }) adds exactly GenerateDataKey and Decrypt on that key, for idempotency records only', () => {
    const stack = new Stack(testApp(), 'TableStack');
    const table = new IdempotencyTable(stack, 'Idempotency');
    const key = new kms.Key(stack, 'ResultsKey');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    table.grant(role, { resultEncryptionKey: key });
    const statements = statementsOf(Template.fromStack(stack));
    expect(statements).toHaveLength(2);
    expect(statements.map(actions)).toEqual(expect.arrayContaining([[...RESULT_KEY_ACTIONS].sort(), [...STORE_ACTIONS].sort()]));
    expect(statements.find((s) => actions(s).includes('kms:Decrypt'))).toMatchObject(KMS_STATEMENT(key));
  });

  it('grantIdempotency(table, fn, { …layout, resultEncryptionKey }) adds the same, and nothing on the key without it', () => {
    const stack = new Stack(testApp(), 'AppStack');
    const table = new dynamodb.TableV2(stack, 'AppTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
    });
    const key = new kms.Key(stack, 'ResultsKey');
    const withKey = new iam.Role(stack, 'WithKey', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const withoutKey = new iam.Role(stack, 'WithoutKey', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    grantIdempotency(table, withKey, { partitionKey: 'pk', partitionKeyValue: 'IDEMPOTENCY#{id}', resultEncryptionKey: key });
    grantIdempotency(table, withoutKey, { partitionKey: 'pk', partitionKeyValue: 'IDEMPOTENCY#{id}' });
    const template = Template.fromStack(stack);
    const policyOf = (role: iam.Role) =>
      Object.values(template.findResources('AWS::IAM::Policy')).find((policy) =>
        JSON.stringify(policy.Properties.Roles).includes(logicalId(role)),
      )!.Properties.PolicyDocument.Statement as Statement[];
    expect(policyOf(withKey).find((s) => actions(s).includes('kms:Decrypt'))).toMatchObject(KMS_STATEMENT(key));
    expect(JSON.stringify(policyOf(withoutKey))).not.toContain('kms:');
  });
});
