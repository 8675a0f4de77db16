import { deployCommand, destroyCommand } from '../../lib/sandbox/cdk-commands';
import { SANDBOX_STACK_NAME } from '../../lib/sandbox/sandbox-args';
import { formatDuration, runSandbox, type SandboxDeps } from '../../lib/sandbox/sandbox-run';
import { bufferedOutput } from '../../lib/smoke/output';
import { EXIT } from '../../lib/smoke/refusal';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from '../support/fake-aws';

/** Every step the sandbox took, in order, as `cdk deploy …`, `smoke …`, `cdk destroy …`. */
interface Recorder {
  readonly steps: string[];
  deps(
    overrides?: Partial<Pick<SandboxDeps, 'signal'>> & {
      deployCode?: number;
      smokeCode?: number;
      destroyCode?: number;
      onDeploy?: () => void;
    },
  ): SandboxDeps & { out: ReturnType<typeof bufferedOutput> };
}

function recorder(aws: () => FakeAws): Recorder {
  const steps: string[] = [];
  return {
    steps,
    deps(overrides = {}) {
      let clock = 0;
      return {
        out: bufferedOutput(),
        cloudFormation: () => aws().cloudFormation(),
        cdk: async (args, region) => {
          steps.push(`cdk ${args.join(' ')} @${region}`);
          clock += 60_000;
          if (args[0] === 'deploy') {
            overrides.onDeploy?.();
            return overrides.deployCode ?? 0;
          }
          return overrides.destroyCode ?? 0;
        },
        smoke: async (argv) => {
          steps.push(`smoke ${argv.join(' ')}`);
          clock += 8_000;
          return overrides.smokeCode ?? 0;
        },
        signal: overrides.signal,
        now: () => clock,
      };
    },
  };
}

const BOOTSTRAPPED: FakeAwsOptions = { stacks: { CDKToolkit: { status: 'UPDATE_COMPLETE' } } };
const deploy = `cdk ${deployCommand(SANDBOX_STACK_NAME).join(' ')} @eu-west-1`;
const destroy = `cdk ${destroyCommand(SANDBOX_STACK_NAME).join(' ')} @eu-west-1`;
const smoke = `smoke --stack ${SANDBOX_STACK_NAME} --region eu-west-1`;

describe('npm run sandbox', () => {
  let aws: FakeAws;
  let record: Recorder;
  async function withAws(options: FakeAwsOptions) {
    aws = await startFakeAws(options);
    record = recorder(() => aws);
  }
  afterEach(() => aws?.close());

  it('deploys its own stack with tables that go with it, smoke-checks it, then destroys it', async () => {
    await withAws(BOOTSTRAPPED);
    const deps = record.deps();
    const code = await runSandbox([], deps);

    expect(record.steps).toEqual([deploy, smoke, destroy]);
    expect(deployCommand(SANDBOX_STACK_NAME)).toEqual([
      'deploy',
      'PaymentApiSandbox',
      '--context',
      'stackName=PaymentApiSandbox',
      '--context',
      'tableRemovalPolicy=destroy',
      '--require-approval',
      'never',
    ]);
    expect(destroyCommand(SANDBOX_STACK_NAME)).toEqual([
      'destroy',
      'PaymentApiSandbox',
      '--context',
      'stackName=PaymentApiSandbox',
      '--context',
      'tableRemovalPolicy=destroy',
      '--force',
    ]);
    // The preflight's one AWS call: the bootstrap stack, nothing of the sandbox's own.
    expect(aws.calls.map((call) => `${call.operation} ${String(call.input.StackName)}`)).toEqual(['DescribeStacks CDKToolkit']);
    expect(deps.out.text()).toContain('Sandbox passed: deploy 1m00s, smoke 8s, destroy 1m00s.');
    expect(code).toBe(EXIT.passed);
  });

  it('keeps the stack with --keep, and says how to check and remove it', async () => {
    await withAws(BOOTSTRAPPED);
    const deps = record.deps();
    const code = await runSandbox(['--keep'], deps);
    expect(record.steps).toEqual([deploy, smoke]);
    expect(deps.out.text()).toContain(
      'Kept stack PaymentApiSandbox. Check it again: npm run smoke -- --stack PaymentApiSandbox --region eu-west-1',
    );
    expect(deps.out.text()).toContain(`Remove it (tables included): npx cdk ${destroyCommand(SANDBOX_STACK_NAME).join(' ')}`);
    expect(code).toBe(EXIT.passed);
  });

  it('deploys under --stack-name, and only that stack', async () => {
    await withAws(BOOTSTRAPPED);
    await runSandbox(['--stack-name', 'MyCheck-2'], record.deps());
    expect(record.steps).toEqual([
      `cdk ${deployCommand('MyCheck-2').join(' ')} @eu-west-1`,
      'smoke --stack MyCheck-2 --region eu-west-1',
      `cdk ${destroyCommand('MyCheck-2').join(' ')} @eu-west-1`,
    ]);
  });

  it('destroys the stack when a smoke check fails, and fails', async () => {
    await withAws(BOOTSTRAPPED);
    const deps = record.deps({ smokeCode: EXIT.failed });
    expect(await runSandbox([], deps)).toBe(EXIT.failed);
    expect(record.steps).toEqual([deploy, smoke, destroy]);
    expect(deps.out.text()).toContain('Sandbox FAILED');
  });

  it('destroys what a failed deploy left, without smoke-checking it, and fails', async () => {
    await withAws(BOOTSTRAPPED);
    const deps = record.deps({ deployCode: 1 });
    expect(await runSandbox([], deps)).toBe(EXIT.failed);
    expect(record.steps).toEqual([deploy, destroy]);
    expect(deps.out.text()).toContain('Deploy FAILED (cdk exited with 1).');
  });

  it('says how to remove the stack when the destroy fails', async () => {
    await withAws(BOOTSTRAPPED);
    const deps = record.deps({ destroyCode: 1 });
    expect(await runSandbox([], deps)).toBe(EXIT.failed);
    expect(deps.out.text()).toContain('Destroy FAILED (cdk exited with 1): stack PaymentApiSandbox may still exist in eu-west-1.');
    expect(deps.out.text()).toContain(`Remove it with: AWS_REGION=eu-west-1 npx cdk ${destroyCommand(SANDBOX_STACK_NAME).join(' ')}`);
  });

  it('after Ctrl-C during the deploy, skips the smoke checks and still destroys the stack', async () => {
    await withAws(BOOTSTRAPPED);
    const interrupt = new AbortController();
    const deps = record.deps({ signal: interrupt.signal, onDeploy: () => interrupt.abort() });
    expect(await runSandbox([], deps)).toBe(EXIT.failed);
    expect(record.steps).toEqual([deploy, destroy]);
    expect(deps.out.text()).toContain('Interrupted: skipping the smoke checks.');
  });

  describe('refuses before deploying anything', () => {
    it('when the account and region have no CDK bootstrap stack', async () => {
      await withAws({ stacks: {} });
      const deps = record.deps();
      expect(await runSandbox([], deps)).toBe(EXIT.refused);
      expect(record.steps).toEqual([]);
      expect(deps.out.text()).toContain('Refused: This account has no CDK bootstrap stack (CDKToolkit) in eu-west-1.');
      expect(deps.out.text()).toContain('npx cdk bootstrap');
      expect(deps.out.text()).toContain('Nothing was deployed.');
    });

    it('when the bootstrap stack is not usable', async () => {
      await withAws({ stacks: { CDKToolkit: { status: 'ROLLBACK_COMPLETE' } } });
      const deps = record.deps();
      expect(await runSandbox([], deps)).toBe(EXIT.refused);
      expect(record.steps).toEqual([]);
      expect(deps.out.text()).toContain('The CDK bootstrap stack (CDKToolkit) in eu-west-1 is ROLLBACK_COMPLETE.');
    });

    it('when AWS rejects the credentials', async () => {
      await withAws({
        failures: {
          DescribeStacks: { status: 403, type: 'ExpiredToken', message: 'The security token included in the request is expired' },
        },
      });
      const deps = record.deps();
      expect(await runSandbox([], deps)).toBe(EXIT.refused);
      expect(record.steps).toEqual([]);
      expect(deps.out.text()).toContain(
        'Refused: Could not reach CloudFormation in eu-west-1: ExpiredToken: The security token included in the request is expired',
      );
    });

    it.each([
      [['--keep', 'yes'], /Unexpected argument 'yes'/],
      [
        ['--stack-name', 'PaymentApi_Sandbox'],
        /--stack-name must be a letter then up to 127 letters, digits or hyphens, got "PaymentApi_Sandbox"/,
      ],
      [['--destroy'], /Unknown option '--destroy'/],
    ])('on bad arguments %j', async (argv, message) => {
      await withAws(BOOTSTRAPPED);
      const deps = record.deps();
      expect(await runSandbox(argv, deps)).toBe(EXIT.refused);
      expect(record.steps).toEqual([]);
      expect(aws.calls).toEqual([]);
      expect(deps.out.text()).toMatch(message);
    });
  });

  it('formats durations as a person reads them', () => {
    expect([formatDuration(400), formatDuration(48_000), formatDuration(125_000), formatDuration(600_000)]).toEqual([
      '0s',
      '48s',
      '2m05s',
      '10m00s',
    ]);
  });
});
