import { RemovalPolicy, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { APP_CONTEXT, stackNameFrom, tableRemovalPolicyFrom } from './app-context';
import { PaymentApiStack } from './payment-api-stack';

/**
 * Adds the example's payment stack to `app` as its context says: `stackName` (default
 * `PaymentApi`; the sandbox deploys its own) and `tableRemovalPolicy` (`retain` by default,
 * `destroy` for a throwaway sandbox), with cdk-nag's AwsSolutions checks on the whole app.
 */
export function addPaymentApi(app: App): PaymentApiStack {
  const stackName = stackNameFrom(app.node.tryGetContext(APP_CONTEXT.stackName));
  const removal = tableRemovalPolicyFrom(app.node.tryGetContext(APP_CONTEXT.tableRemovalPolicy));
  const stack = new PaymentApiStack(app, stackName, {
    description: 'lambda-idempotency example: idempotent payments behind an HTTP API',
    tableRemovalPolicy: removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });
  // cdk-nag: every AwsSolutions finding fails synth unless a construct acknowledges it with a reason.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
