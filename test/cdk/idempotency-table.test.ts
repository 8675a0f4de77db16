import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  IdempotencyTable,
  PARTITION_KEY,
  STORE_ACTIONS,
  TABLE_NAME_ENV,
  TTL_ATTRIBUTE,
  type IdempotencyTableProps,
} from 'lambda-idempotency/cdk';
import { logicalId, testApp } from '../infra/cdk-app';

function tableIn(props?: IdempotencyTableProps) {
  const stack = new Stack(testApp(), 'TableStack');
  const table = new IdempotencyTable(stack, 'Idempotency', props);
  return { stack, table };
}

function bareFunction(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
}

describe('IdempotencyTable', () => {
  describe('with no props', () => {
    const { stack, table } = tableIn();
    const template = Template.fromStack(stack);

    it('creates exactly one table, keyed by the schema partition key (string) alone', () => {
      template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: PARTITION_KEY, AttributeType: 'S' }],
      });
    });

    it('expires records through TTL on the schema attribute', () => {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      });
    });

    it('bills on demand, with point-in-time recovery and AWS-managed KMS encryption', () => {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      });
    });

    it('keeps the table (and its records) when it leaves the stack', () => {
      template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    it('lets CloudFormation name the table and exposes the name and ARN', () => {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: Match.absent() });
      expect(stack.resolve(table.tableName)).toEqual({ Ref: logicalId(table.table) });
      expect(stack.resolve(table.tableArn)).toEqual({ 'Fn::GetAtt': [logicalId(table.table), 'Arn'] });
    });
  });

  it('applies the removal policy, table name, recovery period and deletion protection it is given', () => {
    const { stack } = tableIn({ removalPolicy: RemovalPolicy.DESTROY, tableName: 'orders-idempotency', recoveryPeriodInDays: 7 });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'orders-idempotency',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 7 } })],
    });

    const guarded = Template.fromStack(tableIn({ deletionProtection: true }).stack);
    guarded.hasResourceProperties('AWS::DynamoDB::GlobalTable', { Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })] });
  });

  it('is retained and deletion-protected by default, and protection is off by default when DESTROY asks for the deletion', () => {
    const replicaOf = (props: IdempotencyTableProps) => {
      const [table] = Object.values(Template.fromStack(tableIn(props).stack).findResources('AWS::DynamoDB::GlobalTable'));
      return {
        deletionPolicy: table!.DeletionPolicy,
        updateReplacePolicy: table!.UpdateReplacePolicy,
        protection: table!.Properties.Replicas[0].DeletionProtectionEnabled,
      };
    };
    expect(replicaOf({})).toEqual({ deletionPolicy: 'Retain', updateReplacePolicy: 'Retain', protection: true });
    expect(replicaOf({ removalPolicy: RemovalPolicy.DESTROY })).toEqual({
      deletionPolicy: 'Delete',
      updateReplacePolicy: 'Delete',
      protection: false,
    });
    expect(replicaOf({ deletionProtection: false })).toEqual({
      deletionPolicy: 'Retain',
      updateReplacePolicy: 'Retain',
      protection: false,
    });
  });

  /** The one policy statement granted, its actions sorted. */
  function grantedStatements(template: Template) {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties.PolicyDocument.Statement as { Action: string[]; Effect: string; Resource: unknown }[];
    return statements.map((s) => ({ ...s, Action: [...s.Action].sort() }));
  }

  describe('grant(fn)', () => {
    const { stack, table } = tableIn();
    const fn = bareFunction(stack);
    table.grant(fn);
    const template = Template.fromStack(stack);

    it('grants exactly the four store actions, on the table ARN only', () => {
      expect(grantedStatements(template)).toEqual([
        {
          Action: [...STORE_ACTIONS].sort(),
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [logicalId(table.table), 'Arn'] },
        },
      ]);
      expect([...STORE_ACTIONS].sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    });

    it("leaves the function's environment alone: handing the table name over is addTableNameTo's job", () => {
      template.hasResourceProperties('AWS::Lambda::Function', { Environment: Match.absent() });
    });
  });

  describe('grant() takes any IGrantable', () => {
    it.each([
      ['a role', (stack: Stack) => new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })],
      [
        'an imported function with its role',
        (stack: Stack) =>
          lambda.Function.fromFunctionAttributes(stack, 'Imported', {
            functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders',
            role: iam.Role.fromRoleArn(stack, 'ImportedRole', 'arn:aws:iam::123456789012:role/orders-role', { mutable: true }),
          }),
      ],
      ['a container task (its task role)', (stack: Stack) => new ecs.FargateTaskDefinition(stack, 'Task').taskRole],
    ] as [string, (stack: Stack) => iam.IGrantable][])('%s: the four store actions on this table, nothing else', (_, grantee) => {
      const { stack, table } = tableIn();
      const grant = table.grant(grantee(stack));
      expect(grant.success).toBe(true);
      expect(grantedStatements(Template.fromStack(stack))).toEqual([
        { Action: [...STORE_ACTIONS].sort(), Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(table.table), 'Arn'] } },
      ]);
    });
  });

  describe('addTableNameTo(fn)', () => {
    it("sets the function's IDEMPOTENCY_TABLE_NAME to the table's name and grants nothing", () => {
      const { stack, table } = tableIn();
      table.addTableNameTo(bareFunction(stack));
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: { [TABLE_NAME_ENV]: { Ref: logicalId(table.table) } } },
      });
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });

    it('uses the variable name it is given', () => {
      const { stack, table } = tableIn();
      table.addTableNameTo(bareFunction(stack), 'ORDERS_IDEMPOTENCY_TABLE');
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: { ORDERS_IDEMPOTENCY_TABLE: { Ref: logicalId(table.table) } } },
      });
    });
  });

  describe('rejects, naming the props,', () => {
    it.each([
      ['a table name with a space', { tableName: 'my table' }, /`tableName` must be 3 to 255 letters.*"my table"/],
      ['a table name that is too short', { tableName: 'ab' }, /`tableName`/],
      [
        'DESTROY with deletion protection',
        { removalPolicy: RemovalPolicy.DESTROY, deletionProtection: true },
        /`removalPolicy: RemovalPolicy.DESTROY` contradicts `deletionProtection: true`/,
      ],
      [
        'a recovery period without point-in-time recovery',
        { pointInTimeRecovery: false, recoveryPeriodInDays: 7 },
        /`recoveryPeriodInDays` is set but `pointInTimeRecovery` is false/,
      ],
      ['a recovery period beyond 35 days', { recoveryPeriodInDays: 36 }, /`recoveryPeriodInDays` must be an integer from 1 to 35, got 36/],
    ])('%s', (_, props: IdempotencyTableProps, message) => {
      expect(() => tableIn(props)).toThrow(message);
    });

    it('and says which construct it is', () => {
      expect(() => tableIn({ tableName: 'x' })).toThrow(/^TableStack\/Idempotency: /);
    });
  });

  it('accepts point-in-time recovery turned off on its own', () => {
    const template = Template.fromStack(tableIn({ pointInTimeRecovery: false }).stack);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } })],
    });
  });
});
