import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_STACK_NAME, stackNameFrom, tableRemovalPolicyFrom } from '../../lib/infra/app-context';
import { addPaymentApi } from '../../lib/infra/payment-app';
import { deployCommand, destroyCommand } from '../../lib/sandbox/cdk-commands';
import { SANDBOX_STACK_NAME } from '../../lib/sandbox/sandbox-args';
import { SMOKE_OUTPUTS } from '../../lib/smoke/stack-outputs';
import { testApp } from './cdk-app';

/** The `--context key=value` pairs of a cdk command line. */
function contextOf(args: readonly string[]): Record<string, string> {
  const context: Record<string, string> = {};
  args.forEach((arg, i) => {
    if (arg !== '--context') return;
    const [key, value] = args[i + 1]!.split(/=(.*)/s);
    context[key!] = value!;
  });
  return context;
}

/** The app as `cdk` builds it from bin/app.ts, with this context. */
function appWith(context: Record<string, string>) {
  const app = testApp();
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  const stack = addPaymentApi(app);
  return { stack, template: Template.fromStack(stack) };
}

describe('the CDK app', () => {
  it('deploys PaymentApi with retained tables when no context is given', () => {
    const { stack, template } = appWith({});
    expect(stack.stackName).toBe(DEFAULT_STACK_NAME);
    expect(Object.values(template.findResources('AWS::DynamoDB::GlobalTable')).map((table) => table.DeletionPolicy)).toEqual([
      'Retain',
      'Retain',
    ]);
  });

  // What `npm run sandbox` deploys is what its own command lines ask for.
  describe("with the sandbox's context", () => {
    const deploy = deployCommand(SANDBOX_STACK_NAME);
    const destroy = destroyCommand(SANDBOX_STACK_NAME);
    const { stack, template } = appWith(contextOf(deploy));

    it('is a stack of its own name, the one both commands select, built the same for destroy as for deploy', () => {
      expect(stack.stackName).toBe(SANDBOX_STACK_NAME);
      expect([deploy[1], destroy[1]]).toEqual([stack.node.id, stack.node.id]);
      expect(contextOf(destroy)).toEqual(contextOf(deploy));
    });

    it('leaves nothing behind on destroy: no resource is retained, the tables included', () => {
      const resources = Object.entries(template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>);
      expect(resources.filter(([, resource]) => resource.Type === 'AWS::DynamoDB::GlobalTable').map(([, r]) => r.DeletionPolicy)).toEqual([
        'Delete',
        'Delete',
      ]);
      expect(resources.filter(([, resource]) => resource.DeletionPolicy !== undefined && resource.DeletionPolicy !== 'Delete')).toEqual([]);
    });

    it('has every output the smoke test reads', () => {
      for (const key of Object.values(SMOKE_OUTPUTS)) template.hasOutput(key, {});
    });
  });

  it('refuses a stack name CloudFormation would refuse, at synth', () => {
    expect(stackNameFrom('Sandbox-2')).toBe('Sandbox-2');
    for (const bad of ['2Sandbox', 'Pay_Api', '', 'x'.repeat(129), 42])
      expect(() => stackNameFrom(bad)).toThrow(/Expected context `stackName`/);
  });

  it("reads tableRemovalPolicy as 'retain' (the default) or 'destroy', nothing else", () => {
    expect([tableRemovalPolicyFrom(undefined), tableRemovalPolicyFrom('retain'), tableRemovalPolicyFrom('destroy')]).toEqual([
      'retain',
      'retain',
      'destroy',
    ]);
    expect(() => tableRemovalPolicyFrom('DESTROY')).toThrow(
      "Expected context `tableRemovalPolicy` to be 'retain' or 'destroy', got \"DESTROY\"",
    );
  });
});
