import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { runSandbox } from '../lib/sandbox/sandbox-run';
import { consoleOutput } from '../lib/smoke/output';
import { runSmokeCli } from '../lib/smoke/smoke-cli';

/** `npm run sandbox [-- --keep]`: deploy the payment stack under its own name, smoke-check it, destroy it. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const REPO_ROOT = join(__dirname, '..');
// The project's own CDK CLI, whatever `cdk` is on the PATH.
const CDK_CLI = require.resolve('aws-cdk/bin/cdk');

// The first Ctrl-C reaches cdk too (same process group); the sandbox then skips what is left and
// still destroys the stack. A second one quits at once.
const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort();
  process.once('SIGINT', () => process.exit(130));
});

function cdk(args: readonly string[], region: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CDK_CLI, ...args], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      // The region the preflight resolved, so cdk deploys where the smoke test looks.
      env: { ...process.env, AWS_REGION: region, AWS_DEFAULT_REGION: region },
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

runSandbox(process.argv.slice(2), {
  out: consoleOutput,
  cloudFormation: () => new CloudFormationClient({}),
  cdk,
  smoke: (argv) => runSmokeCli(argv, { out: consoleOutput, signal: interrupt.signal }),
  signal: interrupt.signal,
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
