import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SmokeRefusal } from './refusal';

/** The outputs of `PaymentApiStack` the smoke test reads (the stack declares them under these keys). */
export const SMOKE_OUTPUTS = { apiUrl: 'ApiUrl', userPoolId: 'UserPoolId', clientId: 'UserPoolClientId' } as const;

/** What the smoke test needs from a deployed stack. */
export interface CognitoTarget {
  readonly apiUrl: string;
  readonly userPoolId: string;
  readonly clientId: string;
}

/** Stack states in which the stack's resources and outputs exist as a template says. */
const USABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

/** Whether a stack in this state can be used (not in progress, failed, rolled back on create, or deleted). */
export function isUsableStackStatus(status: string | undefined): boolean {
  return USABLE.has(status ?? '');
}

/** The target from a stack's outputs, or a refusal that names every missing output. */
export function targetFromOutputs(stackName: string, outputs: Readonly<Record<string, string>>): CognitoTarget {
  const missing = Object.values(SMOKE_OUTPUTS).filter((key) => !outputs[key]);
  if (missing.length > 0) {
    const found = Object.keys(outputs);
    throw new SmokeRefusal(
      `Stack ${stackName} has no output ${missing.join(', ')} (it has ${found.length ? found.join(', ') : 'no outputs'}): is it the payment stack?`,
      'Name the stack with --stack <name>, or pass the values: npm run smoke -- <api-url> --user-pool-id <id> --client-id <id>',
    );
  }
  return {
    apiUrl: outputs[SMOKE_OUTPUTS.apiUrl]!,
    userPoolId: outputs[SMOKE_OUTPUTS.userPoolId]!,
    clientId: outputs[SMOKE_OUTPUTS.clientId]!,
  };
}

/** A stack's outputs as a map; refuses a stack that does not exist or is not in a usable state. */
export async function readStackOutputs(client: CloudFormationClient, stackName: string, region: string): Promise<Record<string, string>> {
  let stack;
  try {
    stack = (await client.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    const { name, message } = error as Error;
    if (name === 'ValidationError' && /does not exist/i.test(message)) {
      throw new SmokeRefusal(
        `No stack ${stackName} in ${region}.`,
        'Deploy it first (npm run sandbox, or npx cdk deploy), or name another with --stack <name> / --region <region>.',
      );
    }
    throw awsRefusal(`Could not read stack ${stackName} in ${region}`, error);
  }
  if (!stack) throw new SmokeRefusal(`No stack ${stackName} in ${region}.`);
  if (!isUsableStackStatus(stack.StackStatus)) {
    throw new SmokeRefusal(
      `Stack ${stackName} is ${stack.StackStatus}${stack.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}: nothing to check.`,
    );
  }
  return Object.fromEntries((stack.Outputs ?? []).filter((o) => o.OutputKey && o.OutputValue).map((o) => [o.OutputKey!, o.OutputValue!]));
}

/** An AWS call failed before anything was created: say which and why (expired token, access denied…). */
export function awsRefusal(doing: string, error: unknown): SmokeRefusal {
  const { name, message } = error as Error;
  return new SmokeRefusal(`${doing}: ${name}: ${message}`, 'Check the credentials (aws sts get-caller-identity) and the region.');
}
