import { App } from 'aws-cdk-lib';
import { addPaymentApi } from '../lib/infra/payment-app';

/**
 * The CDK app (`cdk.json` runs it with tsx). No `env`: the stack is environment-agnostic and
 * deploys to whatever account and region the CLI's credentials name.
 *
 * `-c tableRemovalPolicy=destroy` makes `cdk destroy` delete both tables (a throwaway sandbox);
 * `-c stackName=…` deploys the stack under another name (`npm run sandbox` does both).
 */
addPaymentApi(new App());
