import { APP_CONTEXT } from '../infra/app-context';

/** The context that makes the app deploy the stack under `stackName`, with tables that go with it. */
function sandboxContext(stackName: string): string[] {
  return ['--context', `${APP_CONTEXT.stackName}=${stackName}`, '--context', `${APP_CONTEXT.tableRemovalPolicy}=destroy`];
}

/**
 * `cdk deploy` of the sandbox stack alone. No approval prompt: the one command must run unattended,
 * and the IAM it adds is the stack's own (the function's role, the API's invoke permission).
 */
export function deployCommand(stackName: string): string[] {
  return ['deploy', stackName, ...sandboxContext(stackName), '--require-approval', 'never'];
}

/** `cdk destroy` of the sandbox stack alone, without the confirmation prompt. Same context, so the same stack. */
export function destroyCommand(stackName: string): string[] {
  return ['destroy', stackName, ...sandboxContext(stackName), '--force'];
}

/** The command line a person can paste: `npx cdk destroy …`. */
export function shellLine(args: readonly string[]): string {
  return ['npx', 'cdk', ...args].join(' ');
}
