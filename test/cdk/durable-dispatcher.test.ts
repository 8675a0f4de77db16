import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DISPATCH_SCOPE_ENV, DurableDispatcher, DURABLE_FUNCTION_ENV } from 'lambda-idempotency/cdk';
import { logicalId, testApp } from '../infra/cdk-app';

function dispatcherIn(options: { queue?: boolean } = {}) {
  const stack = new Stack(testApp(), 'DispatchStack');
  const durable = new lambda.Function(stack, 'Durable', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    durableConfig: { executionTimeout: Duration.days(1) },
  });
  const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: durable.currentVersion });
  const queue = options.queue ? new sqs.Queue(stack, 'Orders') : undefined;
  const dispatcher = new DurableDispatcher(stack, 'Dispatch', { target: alias, scope: 'orders', ...(queue && { queue }) });
  return { stack, template: Template.fromStack(stack), alias, dispatcher, queue };
}

describe('DurableDispatcher', () => {
  it('may invoke exactly the target alias: no other version, alias or function', () => {
    const { template, alias } = dispatcherIn();
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } }).Properties.PolicyDocument
          .Statement,
    );
    const invokes = statements.filter((statement) => JSON.stringify(statement.Action).includes('lambda:'));
    expect(invokes).toEqual([{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { Ref: logicalId(alias) } }]);
  });

  it('names the target and the scope in its environment, on Node 22', () => {
    const { template, alias } = dispatcherIn();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Environment: { Variables: { [DURABLE_FUNCTION_ENV]: { Ref: logicalId(alias) }, [DISPATCH_SCOPE_ENV]: 'orders' } },
    });
  });

  it('reads the queue with partial batch responses, and may only consume it', () => {
    const { template, queue } = dispatcherIn({ queue: true });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(queue!), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
            Resource: { 'Fn::GetAtt': [logicalId(queue!), 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('uses its own role, without the managed basic execution policy', () => {
    const { template } = dispatcherIn();
    const roles = Object.values(template.findResources('AWS::IAM::Role')).filter((role) =>
      JSON.stringify(role).includes('Durable dispatcher'),
    ) as { Properties: { ManagedPolicyArns?: unknown } }[];
    expect(roles).toHaveLength(1);
    expect(roles[0]!.Properties.ManagedPolicyArns).toBeUndefined();
  });
});
