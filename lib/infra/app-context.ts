// Import-free on purpose: `npm run sandbox` reads these without loading aws-cdk-lib.

/** The stack `cdk deploy` makes unless context `stackName` names another. */
export const DEFAULT_STACK_NAME = 'PaymentApi';

/** The context keys the CDK app reads (`cdk deploy -c stackName=… -c tableRemovalPolicy=destroy`). */
export const APP_CONTEXT = { stackName: 'stackName', tableRemovalPolicy: 'tableRemovalPolicy' } as const;

/** CloudFormation's rule for stack names: a letter, then letters, digits and hyphens, 128 at most. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** The stack name from context, checked as CloudFormation would (at synth, not mid-deploy). */
export function stackNameFrom(value: unknown): string {
  if (value === undefined) return DEFAULT_STACK_NAME;
  if (typeof value !== 'string' || !STACK_NAME.test(value)) {
    throw new Error(
      `Expected context \`stackName\` to be a letter then up to 127 letters, digits or hyphens, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** The tables' removal policy from context: kept unless `destroy` is asked for. */
export function tableRemovalPolicyFrom(value: unknown): 'retain' | 'destroy' {
  if (value === undefined || value === 'retain') return 'retain';
  if (value === 'destroy') return 'destroy';
  throw new Error(`Expected context \`tableRemovalPolicy\` to be 'retain' or 'destroy', got ${JSON.stringify(value)}`);
}
