import { App, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PaymentApiStack } from '../lib/infra/payment-api-stack';

/**
 * The CDK app (`cdk.json` runs it with tsx). No `env`: the stack is environment-agnostic and
 * deploys to whatever account and region the CLI's credentials name.
 *
 * `-c tableRemovalPolicy=destroy` makes `cdk destroy` delete both tables (a throwaway sandbox).
 */
const app = new App();

new PaymentApiStack(app, 'PaymentApi', {
  description: 'lambda-idempotency example: idempotent payments behind an HTTP API',
  tableRemovalPolicy: tableRemovalPolicy(app.node.tryGetContext('tableRemovalPolicy')),
});

// cdk-nag: every AwsSolutions finding fails synth unless a construct acknowledges it with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

function tableRemovalPolicy(value: unknown): RemovalPolicy {
  if (value === undefined || value === 'retain') return RemovalPolicy.RETAIN;
  if (value === 'destroy') return RemovalPolicy.DESTROY;
  throw new Error(`Expected context \`tableRemovalPolicy\` to be 'retain' or 'destroy', got ${JSON.stringify(value)}`);
}
