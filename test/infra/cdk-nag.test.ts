import { type App, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PaymentApiStack } from '../../lib/infra/payment-api-stack';
import { testApp } from './cdk-app';

/** Every acknowledgement recorded in the app, as `path: rule id`, with its reason. */
function acknowledgements(app: App): Record<string, string> {
  const found: Record<string, string> = {};
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found[`${construct.node.path}: ${id}`] = reason;
    }
  }
  return found;
}

function checkedApp(): App {
  const app = testApp();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

describe('cdk-nag AwsSolutions checks', () => {
  it('pass on the payment stack, with exactly six findings acknowledged, each with a reason', () => {
    const app = checkedApp();
    new PaymentApiStack(app, 'PaymentApi');
    expect(() => app.synth()).not.toThrow();

    const acknowledged = acknowledgements(app);
    expect(Object.keys(acknowledged).sort()).toEqual([
      // nodejs22.x is pinned on purpose (24.x exists; the durable SDK needs 22 or later).
      'PaymentApi/Fulfilment/Dispatcher/Function: AwsSolutions::AwsSolutions-L1',
      // The durable function's role: AWS's managed policy for durable executions.
      'PaymentApi/Fulfilment/Function/ServiceRole: AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy]',
      'PaymentApi/Fulfilment/Function: AwsSolutions::AwsSolutions-L1',
      'PaymentApi/Payment/Function: AwsSolutions::AwsSolutions-L1',
      // Sandbox user pool: no MFA, no Plus plan.
      'PaymentApi/Users/UserPool: AwsSolutions::AwsSolutions-COG2',
      'PaymentApi/Users/UserPool: AwsSolutions::AwsSolutions-COG8',
    ]);
    for (const reason of Object.values(acknowledged)) expect(reason.length).toBeGreaterThan(60);
  });

  // Guards the test above against passing because the plugin never ran.
  it('fail synth on a finding nobody acknowledged', () => {
    const app = checkedApp();
    const stack = new Stack(app, 'Unchecked');
    new dynamodb.Table(stack, 'NoBackups', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    expect(() => app.synth()).toThrow(/AwsSolutions-DDB3/);
  });
});
