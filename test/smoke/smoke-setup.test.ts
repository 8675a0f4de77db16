import { normalizeBaseUrl } from '../../lib/smoke/api-client';
import { regionOfApiUrl, regionOfUserPool, requireAwsEnvironment } from '../../lib/smoke/aws-environment';
import { strongPassword } from '../../lib/smoke/password';
import { parseSmokeArgs } from '../../lib/smoke/smoke-args';
import { bufferedOutput } from '../../lib/smoke/output';
import { StepReport, describeRequest, describeResponse } from '../../lib/smoke/step-report';

describe('smoke arguments', () => {
  it.each([
    [[], { mode: 'stack', stackName: 'PaymentApi' }],
    [
      ['https://abc.execute-api.eu-west-1.amazonaws.com/'],
      { mode: 'stack', stackName: 'PaymentApi', apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/' },
    ],
    [['--stack', 'PaymentApiSandbox', '--region', 'eu-west-1'], { mode: 'stack', stackName: 'PaymentApiSandbox', region: 'eu-west-1' }],
    [
      ['https://api.example.com/v1', '--user-pool-id', 'eu-west-1_x', '--client-id', 'c'],
      { mode: 'cognito', apiUrl: 'https://api.example.com/v1', userPoolId: 'eu-west-1_x', clientId: 'c' },
    ],
    [['--local'], { mode: 'local', apiUrl: 'http://localhost:3000/' }],
    [['http://localhost:4000'], { mode: 'local', apiUrl: 'http://localhost:4000' }],
    [['http://127.0.0.1:4000/'], { mode: 'local', apiUrl: 'http://127.0.0.1:4000/' }],
    // Loopback without a scheme is the local API, plain HTTP: the one place where the scheme is not a guess.
    [['127.0.0.1:3000'], { mode: 'local', apiUrl: 'http://127.0.0.1:3000' }],
    [['localhost:3000/'], { mode: 'local', apiUrl: 'http://localhost:3000/' }],
    [['[::1]:3000'], { mode: 'local', apiUrl: 'http://[::1]:3000' }],
    // A loopback URL with Cognito options: Cognito callers in front of a local API (a tunnel, a test).
    [['http://127.0.0.1:4000/', '--stack', 'PaymentApi'], { mode: 'stack', stackName: 'PaymentApi', apiUrl: 'http://127.0.0.1:4000/' }],
  ])('%j checks %j', (argv, target) => {
    expect(parseSmokeArgs(argv)).toEqual({ target, timeoutMs: 15_000 });
  });

  it('takes --timeout in seconds, and -h for help', () => {
    expect(parseSmokeArgs(['--local', '--timeout', '2.5'])).toMatchObject({ timeoutMs: 2500 });
    expect(parseSmokeArgs(['-h'])).toEqual({ help: true });
  });
});

describe('the step report', () => {
  it('puts every detail line in one column under the titles, also past step 9', () => {
    const out = bufferedOutput();
    const report = new StepReport(out, 12);
    for (let n = 1; n <= 12; n++) {
      report.begin(`step ${n}`);
      report.detail('→ GET /payments');
    }
    const titles = out.lines.filter((line) => /^ *\d+\. /.test(line));
    const details = out.lines.filter((line) => line.includes('→'));
    expect(titles[0]).toBe(' 1. step 1');
    expect(titles[11]).toBe('12. step 12');
    expect(new Set(titles.map((line) => line.indexOf('step')))).toEqual(new Set([4]));
    expect(new Set(details.map((line) => line.indexOf('→')))).toEqual(new Set([4]));
  });
});

describe('the API URL and regions', () => {
  it('resolves paths under the stage: one trailing slash, no query', () => {
    expect(normalizeBaseUrl('https://abc.execute-api.eu-west-1.amazonaws.com')).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/');
    expect(normalizeBaseUrl('https://abc.execute-api.eu-west-1.amazonaws.com/prod?x=1#y')).toBe(
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod/',
    );
    expect(normalizeBaseUrl('http://localhost:3000/')).toBe('http://localhost:3000/');
  });

  it('reads the region from an execute-api URL and from a user pool id', () => {
    expect(regionOfApiUrl('https://a1b2c3.execute-api.eu-west-1.amazonaws.com/')).toBe('eu-west-1');
    expect(regionOfApiUrl('https://a1b2c3.execute-api.us-gov-west-1.amazonaws.com/')).toBe('us-gov-west-1');
    expect(regionOfApiUrl('https://api.example.com/')).toBeUndefined();
    expect(regionOfApiUrl('not a url')).toBeUndefined();
    expect(regionOfUserPool('ap-southeast-2_AbCdEf123')).toBe('ap-southeast-2');
    expect(regionOfUserPool('AbCdEf123')).toBeUndefined();
  });

  it('refuses a missing region, then missing credentials, saying what to set', async () => {
    const client = (region: () => Promise<string>, credentials: () => Promise<unknown>) => ({ config: { region, credentials } });
    const missing = () => Promise.reject(new Error('Could not load credentials from any providers'));
    await expect(requireAwsEnvironment(client(() => Promise.reject(new Error('Region is missing')), missing))).rejects.toMatchObject({
      message: 'No AWS region is set.',
      hint: expect.stringContaining('export AWS_REGION=eu-west-1'),
    });
    await expect(requireAwsEnvironment(client(async () => 'eu-west-1', missing))).rejects.toMatchObject({
      message: 'No AWS credentials found (Could not load credentials from any providers).',
      hint: expect.stringContaining('AWS_PROFILE'),
    });
    await expect(
      requireAwsEnvironment(
        client(
          async () => 'eu-west-1',
          async () => ({ accessKeyId: 'a' }),
        ),
      ),
    ).resolves.toEqual({ region: 'eu-west-1' });
  });
});

describe('the throwaway password', () => {
  it("meets the stack's policy every time: 32 characters, each class, no two alike", () => {
    const passwords = Array.from({ length: 500 }, () => strongPassword());
    for (const password of passwords) {
      expect(password).toHaveLength(32);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/\d/);
      expect(password).toMatch(/[!#%+\-.:=?@^_~]/);
      expect(password).toMatch(/^[A-Za-z0-9!#%+\-.:=?@^_~]+$/);
    }
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  it('holds every class even when the randomness is as unkind as it can be', () => {
    expect(strongPassword(4, () => 0)).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[^A-Za-z0-9]).{4}$/);
    expect(() => strongPassword(3)).toThrow('Expected `length` to be an integer from 4 to 99, got 3');
  });
});

describe('the step lines', () => {
  it('show the token by label only', () => {
    expect(
      describeRequest({
        method: 'POST',
        path: 'payments',
        token: 'eyJraWQiOi.secret',
        tokenLabel: 'access token of smoke-a-1',
        idempotencyKey: 'k1',
        body: { amount: 1 },
      }),
    ).toBe('→ POST /payments  Authorization: Bearer <access token of smoke-a-1>  Idempotency-Key: k1  {"amount":1}');
    expect(describeRequest({ method: 'GET', path: 'payments' })).toBe('→ GET /payments  (no Authorization header)');
  });

  it('show the status, the headers the checks read, and the body cut at 300 characters', () => {
    const headers = new Headers({ 'Idempotent-Replayed': 'true', 'X-Other': 'x', 'WWW-Authenticate': 'Bearer' });
    expect(describeResponse({ status: 201, headers, text: '{\n "id": "pay_1"\n}', json: {} })).toBe(
      '← 201  idempotent-replayed: true  www-authenticate: Bearer  { "id": "pay_1" }',
    );
    expect(describeResponse({ status: 200, headers: new Headers(), text: 'x'.repeat(400), json: undefined })).toBe(
      `← 200  ${'x'.repeat(300)}…`,
    );
  });
});
