import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../infra/cdk-app';

const NO_NETWORK = join(REPO_ROOT, 'test', 'support', 'no-network.cjs');

/**
 * Runs a bin/ script as `npm run` would (tsx), with an empty environment: no AWS variables, a HOME
 * without ~/.aws, and every TCP/UDP connection and DNS lookup refused and reported on stderr.
 * Instance metadata, the one credential source that needs no configuration but the network, is off.
 */
function run(script: string, args: string[], env: Record<string, string>, home: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', NO_NETWORK, '--import', 'tsx', join('bin', script), ...args], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('without an AWS environment, refusing before anything is created, with no network', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'no-aws-home-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('npm run sandbox refuses without a region, and deploys nothing', async () => {
    const result = await run('sandbox.ts', [], {}, home);
    expect(result.stdout).toContain('Refused: No AWS region is set.');
    expect(result.stdout).toContain('export AWS_REGION=');
    expect(result.stdout).toContain('Nothing was deployed.');
    expect(result.stdout).not.toContain('$ npx cdk deploy');
    expect(result.stderr).not.toContain('NETWORK ATTEMPT');
    expect(result.code).toBe(2);
  });

  it('npm run sandbox refuses with a region but no credentials, and deploys nothing', async () => {
    const result = await run('sandbox.ts', ['--keep'], { AWS_REGION: 'eu-west-1' }, home);
    expect(result.stdout).toContain('Refused: No AWS credentials found');
    expect(result.stdout).toContain('AWS_PROFILE');
    expect(result.stdout).toContain('Nothing was deployed.');
    expect(result.stderr).not.toContain('NETWORK ATTEMPT');
    expect(result.stdout).not.toContain('$ npx cdk deploy');
    expect(result.code).toBe(2);
  });

  it('npm run smoke refuses without credentials before reading the stack', async () => {
    const result = await run('smoke.ts', ['--stack', 'PaymentApiSandbox'], { AWS_REGION: 'eu-west-1' }, home);
    expect(result.stdout).toContain('Refused: No AWS credentials found');
    expect(result.stderr).not.toContain('NETWORK ATTEMPT');
    expect(result.code).toBe(2);
  });

  // Guards the three tests above: the guard does see a connection when one is made.
  it('the no-network guard reports a connection attempt', async () => {
    const result = await run('smoke.ts', ['http://127.0.0.1:4567/'], {}, home);
    expect(result.stderr).toContain('NETWORK ATTEMPT: tcp 127.0.0.1:4567');
    expect(result.stdout).toContain('Refused: GET http://127.0.0.1:4567/payments got no answer: ENETUNREACH');
    expect(result.code).toBe(2);
  });
});
