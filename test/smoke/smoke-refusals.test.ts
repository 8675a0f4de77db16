import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../lib/local/dynamodb-local';
import { bufferedOutput } from '../../lib/smoke/output';
import { EXIT } from '../../lib/smoke/refusal';
import { runSmokeCli } from '../../lib/smoke/smoke-cli';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from '../support/fake-aws';

// Each refusal is exit code 2, a sentence that says what to do, and nothing created: no user, no payment.

describe('npm run smoke refuses to start', () => {
  let aws: FakeAws;
  const servers: Server[] = [];
  async function withAws(options: FakeAwsOptions = {}) {
    aws = await startFakeAws(options);
    return { cloudFormation: () => aws.cloudFormation(), cognito: () => aws.cognito() };
  }
  afterEach(async () => {
    await aws?.close();
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  const cognitoCalls = () => aws.calls.filter((call) => call.service === 'cognito');

  it('when nothing answers at the URL, before making any user', async () => {
    const port = await freePort(); // free a moment ago: nothing listens there
    const out = bufferedOutput();
    const code = await runSmokeCli([`http://127.0.0.1:${port}/`, '--user-pool-id', 'eu-west-1_fake', '--client-id', 'fakeclient'], {
      out,
      ...(await withAws()),
    });
    expect(out.text()).toContain(`Refused: GET http://127.0.0.1:${port}/payments got no answer: ECONNREFUSED`);
    expect(out.text()).toContain('Check the URL');
    expect(cognitoCalls().filter((call) => call.operation === 'AdminCreateUser')).toEqual([]);
    expect(code).toBe(EXIT.refused);
  });

  it('when the URL accepts connections but never answers, after --timeout', async () => {
    const silent = createServer(() => undefined); // reads the request, never responds
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const out = bufferedOutput();
    const code = await runSmokeCli([`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, '--local', '--timeout', '0.3'], { out });
    expect(out.text()).toMatch(/Refused: GET http:\/\/127\.0\.0\.1:\d+\/payments got no answer within 300 ms/);
    expect(code).toBe(EXIT.refused);
  });

  it('when the stack lacks the outputs it needs, naming each', async () => {
    const out = bufferedOutput();
    const code = await runSmokeCli(['--stack', 'SomethingElse'], {
      out,
      ...(await withAws({ stacks: { SomethingElse: { outputs: { Region: 'eu-west-1', BucketName: 'b' } } } })),
    });
    expect(out.text()).toContain(
      'Refused: Stack SomethingElse has no output ApiUrl, UserPoolId, UserPoolClientId (it has Region, BucketName): is it the payment stack?',
    );
    expect(out.text()).toContain('--user-pool-id <id> --client-id <id>');
    expect(cognitoCalls()).toEqual([]);
    expect(code).toBe(EXIT.refused);
  });

  it('when the stack lacks one output', async () => {
    const out = bufferedOutput();
    const deps = await withAws({
      stacks: { PaymentApi: { outputs: { ApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/', UserPoolId: 'eu-west-1_fake' } } },
    });
    expect(await runSmokeCli([], { out, ...deps })).toBe(EXIT.refused);
    expect(aws.callsOf('DescribeStacks').map((call) => call.input.StackName)).toEqual(['PaymentApi']);
    expect(out.text()).toContain('Refused: Stack PaymentApi has no output UserPoolClientId (it has ApiUrl, UserPoolId)');
  });

  it('when there is no such stack', async () => {
    const out = bufferedOutput();
    expect(await runSmokeCli(['--stack', 'Missing'], { out, ...(await withAws()) })).toBe(EXIT.refused);
    expect(out.text()).toContain('Refused: No stack Missing in eu-west-1.');
    expect(out.text()).toContain('npm run sandbox');
  });

  it('when the stack rolled back', async () => {
    const out = bufferedOutput();
    expect(
      await runSmokeCli(['--stack', 'PaymentApi'], {
        out,
        ...(await withAws({ stacks: { PaymentApi: { status: 'ROLLBACK_COMPLETE' } } })),
      }),
    ).toBe(EXIT.refused);
    expect(out.text()).toContain('Refused: Stack PaymentApi is ROLLBACK_COMPLETE: nothing to check.');
  });

  it('when AWS refuses the credentials', async () => {
    const out = bufferedOutput();
    const deps = await withAws({
      failures: {
        DescribeStacks: { status: 403, type: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' },
      },
    });
    expect(await runSmokeCli(['--stack', 'PaymentApi'], { out, ...deps })).toBe(EXIT.refused);
    expect(out.text()).toContain(
      'Refused: Could not read stack PaymentApi in eu-west-1: InvalidClientTokenId: The security token included in the request is invalid.',
    );
    expect(cognitoCalls()).toEqual([]);
  });

  it('on a first run with nothing configured, saying how to check the local API instead of asking for a region', async () => {
    // What the SDK does when no region is set anywhere: its region provider rejects.
    const unset = () => Promise.reject(new Error('Region is missing'));
    const cloudFormation = () => ({ config: { region: unset, credentials: unset }, destroy: () => undefined }) as never;
    const out = bufferedOutput();
    expect(await runSmokeCli([], { out, cloudFormation })).toBe(EXIT.refused);
    expect(out.text()).toContain(
      'Refused: Nothing to check: no API URL was given, and no AWS region is set to find the PaymentApi stack in.',
    );
    expect(out.text().split('\n')[1]).toBe('For the local API (npm start): npm run smoke -- http://localhost:3000');
    expect(out.text()).toContain('For the deployed PaymentApi stack: export AWS_REGION=eu-west-1');
    expect(out.text()).not.toContain('No AWS region is set.');
  });

  it('names the local API too when AWS is set up but there is no PaymentApi stack', async () => {
    const out = bufferedOutput();
    expect(await runSmokeCli([], { out, ...(await withAws()) })).toBe(EXIT.refused);
    expect(out.text()).toContain('Refused: No stack PaymentApi in eu-west-1.');
    expect(out.text()).toContain('For the local API (npm start): npm run smoke -- http://localhost:3000');
  });

  it('on a remote URL without a scheme, saying to write https://', async () => {
    const out = bufferedOutput();
    expect(await runSmokeCli(['abc.execute-api.eu-west-1.amazonaws.com'], { out })).toBe(EXIT.refused);
    expect(out.text()).toContain('Refused: "abc.execute-api.eu-west-1.amazonaws.com" has no scheme.');
    expect(out.text()).toContain('npm run smoke -- https://abc.execute-api.eu-west-1.amazonaws.com');
  });

  it.each([
    [['a', 'b'], 'Expected at most one API URL, got 2: a b'],
    [['--user-pool-id', 'eu-west-1_x'], '--user-pool-id and --client-id go together.'],
    [['--user-pool-id', 'eu-west-1_x', '--client-id', 'c'], 'With --user-pool-id and --client-id, give the API URL too.'],
    [['--local', '--stack', 'PaymentApi'], '--local takes no --stack'],
    [['--timeout', '0'], 'Expected --timeout to be seconds from 0 to 300, got "0"'],
    [['not a url', '--local'], '"not a url" is not a URL'],
    [['ftp://example.test/', '--local'], 'ftp://example.test/ is not an http(s) URL'],
    [['api.example.com/prod'], '"api.example.com/prod" has no scheme'],
  ])('on bad arguments %j', async (argv, message) => {
    const out = bufferedOutput();
    const deps = await withAws();
    expect(await runSmokeCli(argv, { out, ...deps })).toBe(EXIT.refused);
    expect(out.text()).toContain(`Refused: ${message}`);
    expect(aws.calls).toEqual([]);
  });
});
