import { parseArgs } from 'node:util';
import { stackNameFrom } from '../infra/app-context';
import { SmokeRefusal } from '../smoke/refusal';

/** The sandbox's own stack name: never the `PaymentApi` a user may have deployed by hand. */
export const SANDBOX_STACK_NAME = 'PaymentApiSandbox';

/** What `npm run sandbox -- …` was asked for. */
export type SandboxArgs = { readonly help: true } | { readonly help?: false; readonly stackName: string; readonly keep: boolean };

/** What `npm run sandbox -- --help` prints. */
export const SANDBOX_USAGE = `Usage: npm run sandbox [-- --keep] [-- --stack-name <name>]

Deploys the payment stack to the account and region of your AWS credentials under a name of its
own (${SANDBOX_STACK_NAME}), with tables that go with the stack; runs the smoke checks through API
Gateway (npm run smoke); then destroys the stack, tables included.

  --keep                 leave the stack deployed (check it again with npm run smoke -- --stack <name>)
  --stack-name <name>    deploy under this name instead (default ${SANDBOX_STACK_NAME})
  -h, --help

Needs AWS credentials and a region (AWS_PROFILE / AWS_REGION), and \`npx cdk bootstrap\` done once in
that account and region. Deploys IAM roles without asking (--require-approval never).
Exit code: 0 deployed, checked and destroyed; 1 a step failed; 2 refused before deploying.`;

/** Parses `npm run sandbox` arguments; anything unknown is a refusal before anything runs. */
export function parseSandboxArgs(argv: readonly string[]): SandboxArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { keep: { type: 'boolean' }, 'stack-name': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    throw new SmokeRefusal((error as Error).message, SANDBOX_USAGE);
  }
  if (values.help) return { help: true };
  let stackName: string;
  try {
    stackName = stackNameFrom(values['stack-name'] ?? SANDBOX_STACK_NAME);
  } catch {
    throw new SmokeRefusal(
      `--stack-name must be a letter then up to 127 letters, digits or hyphens, got ${JSON.stringify(values['stack-name'])}`,
    );
  }
  return { stackName, keep: values.keep ?? false };
}
