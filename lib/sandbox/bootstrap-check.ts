import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SmokeRefusal } from '../smoke/refusal';
import { awsRefusal, isUsableStackStatus } from '../smoke/stack-outputs';

/** The stack `cdk bootstrap` makes (its default name). */
export const BOOTSTRAP_STACK = 'CDKToolkit';

/**
 * Refuses, before any deploy, when the environment has no CDK bootstrap stack (the deploy would
 * fail on its first asset) or the credentials do not work (expired, wrong account, no access).
 * One `DescribeStacks`: the first call to AWS the sandbox makes.
 */
export async function requireBootstrap(client: CloudFormationClient, region: string): Promise<void> {
  let status: string | undefined;
  try {
    status = (await client.send(new DescribeStacksCommand({ StackName: BOOTSTRAP_STACK }))).Stacks?.[0]?.StackStatus;
  } catch (error) {
    const { name, message } = error as Error;
    if (name === 'ValidationError' && /does not exist/i.test(message)) {
      throw new SmokeRefusal(
        `This account has no CDK bootstrap stack (${BOOTSTRAP_STACK}) in ${region}.`,
        'Run `npx cdk bootstrap` once for this account and region, then try again.',
      );
    }
    throw awsRefusal(`Could not reach CloudFormation in ${region}`, error);
  }
  if (!isUsableStackStatus(status)) {
    throw new SmokeRefusal(
      `The CDK bootstrap stack (${BOOTSTRAP_STACK}) in ${region} is ${status ?? 'missing'}.`,
      'Fix or re-run `npx cdk bootstrap`, then try again.',
    );
  }
}
