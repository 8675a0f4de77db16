import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { requireAwsEnvironment } from '../smoke/aws-environment';
import type { SmokeOutput } from '../smoke/output';
import { EXIT, SmokeRefusal } from '../smoke/refusal';
import { requireBootstrap } from './bootstrap-check';
import { deployCommand, destroyCommand, shellLine } from './cdk-commands';
import { SANDBOX_USAGE, parseSandboxArgs } from './sandbox-args';

/** What the sandbox drives; the real ones spawn the project's CDK CLI and run the smoke CLI in-process. */
export interface SandboxDeps {
  readonly out: SmokeOutput;
  /** The client the preflight resolves region and credentials with, and checks the bootstrap stack through. */
  readonly cloudFormation: () => CloudFormationClient;
  /** Runs the CDK CLI with these arguments in `region`; resolves to its exit code. */
  readonly cdk: (args: readonly string[], region: string) => Promise<number>;
  /** Runs `npm run smoke` with these arguments; resolves to its exit code. */
  readonly smoke: (argv: readonly string[]) => Promise<number>;
  /** Ctrl-C: the step in flight ends, the rest is skipped, and the stack is still destroyed. @default undefined */
  readonly signal?: AbortSignal;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * `npm run sandbox`: refuse without region, credentials or bootstrap stack (nothing deployed);
 * else `cdk deploy` the stack under its own name with tables that go with it, run the smoke
 * checks against it, and `cdk destroy` it unless `--keep`, also when the deploy or a check failed.
 * Resolves to the exit code: 0 all passed, 1 a step failed, 2 refused.
 */
export async function runSandbox(argv: readonly string[], deps: SandboxDeps): Promise<number> {
  const { out } = deps;
  const now = deps.now ?? Date.now;
  let stackName: string;
  let keep: boolean;
  let region: string;
  try {
    const args = parseSandboxArgs(argv);
    if (args.help) {
      out.line(SANDBOX_USAGE);
      return EXIT.passed;
    }
    ({ stackName, keep } = args);
    const client = deps.cloudFormation();
    try {
      ({ region } = await requireAwsEnvironment(client));
      await requireBootstrap(client, region);
    } finally {
      client.destroy();
    }
  } catch (error) {
    if (!(error instanceof SmokeRefusal)) throw error;
    out.line(`Refused: ${error.message}`);
    if (error.hint) out.line(error.hint);
    out.line('Nothing was deployed.');
    return EXIT.refused;
  }

  const timings: string[] = [];
  const timed = async <T>(label: string, step: () => Promise<T>): Promise<T> => {
    const started = now();
    try {
      return await step();
    } finally {
      timings.push(`${label} ${formatDuration(now() - started)}`);
    }
  };
  const interrupted = () => deps.signal?.aborted === true;

  out.line(
    `Sandbox: stack ${stackName} in ${region}, its tables deleted with it${keep ? '; kept afterwards (--keep)' : '; destroyed afterwards'}.`,
  );
  out.line();
  out.line(`$ ${shellLine(deployCommand(stackName))}`);
  const deployed = await timed('deploy', () => deps.cdk(deployCommand(stackName), region));
  let code: number = EXIT.passed;
  if (deployed !== 0) {
    out.line(`Deploy FAILED (cdk exited with ${deployed}).`);
    code = EXIT.failed;
  } else if (interrupted()) {
    out.line('Interrupted: skipping the smoke checks.');
    code = EXIT.failed;
  } else {
    out.line();
    out.line(`$ npm run smoke -- --stack ${stackName} --region ${region}`);
    code = await timed('smoke', () => deps.smoke(['--stack', stackName, '--region', region]));
  }

  out.line();
  if (keep) {
    out.line(`Kept stack ${stackName}. Check it again: npm run smoke -- --stack ${stackName} --region ${region}`);
    out.line(`Remove it (tables included): ${shellLine(destroyCommand(stackName))}`);
  } else {
    out.line(`$ ${shellLine(destroyCommand(stackName))}`);
    const destroyed = await timed('destroy', () => deps.cdk(destroyCommand(stackName), region));
    if (destroyed !== 0) {
      out.line(`Destroy FAILED (cdk exited with ${destroyed}): stack ${stackName} may still exist in ${region}.`);
      out.line(`Remove it with: AWS_REGION=${region} ${shellLine(destroyCommand(stackName))}`);
      if (code === EXIT.passed) code = EXIT.failed;
    }
  }
  out.line();
  out.line(`Sandbox ${code === EXIT.passed ? 'passed' : 'FAILED'}: ${timings.join(', ')}.`);
  return code;
}

/** `2m05s`, `48s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
