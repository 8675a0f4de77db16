import { randomUUID } from 'node:crypto';
import { startLocalPaymentApi, type LocalPaymentApi } from '../../lib/local/local-payment-api';
import { bufferedOutput } from '../../lib/smoke/output';
import { EXIT } from '../../lib/smoke/refusal';
import { runSmokeCli } from '../../lib/smoke/smoke-cli';
import { SMOKE_OUTPUTS } from '../../lib/smoke/stack-outputs';
import { testClient } from '../support/dynamodb';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { charges } from '../support/payment-api-client';

// The checks a user runs against AWS, run here against `npm start`'s API: the same code path,
// only the callers differ (the stand-in's bearer tokens, or a fake Cognito on loopback).
const dynamodb = testClient();
let api: LocalPaymentApi;

beforeAll(async () => {
  api = await startLocalPaymentApi({ client: dynamodb, idempotencyTable: `idem-${randomUUID()}`, ledgerTable: `ledger-${randomUUID()}` });
});
afterAll(async () => {
  await api.close();
  dynamodb.destroy();
});

/** The verdict lines, in order: `PASS  …`, `FAIL  …`, `N/A   …`. */
const verdicts = (text: string) =>
  text
    .split('\n')
    .filter((line) => /^ {3}(PASS|FAIL|N\/A) /.test(line))
    .map((line) => line.trim().split(/\s+/)[0]);
/** The numbers of the steps, in order. */
const steps = (text: string) => [...text.matchAll(/^ *(\d+)\. /gm)].map((match) => match[1]);

describe('npm run smoke against the local API', () => {
  it('passes every check with the local callers; the ledger holds one charge per caller', async () => {
    const before = (await charges(dynamodb, api.ledgerTable)).length;
    const out = bufferedOutput();

    const code = await runSmokeCli([api.url], { out });

    // One number everywhere: 8 numbered checks, 8 verdicts, and the result counts the same 8.
    expect(out.text()).toContain('Result: 7 of 8 checks passed, 1 not applicable here.');
    expect(code).toBe(EXIT.passed);
    expect(verdicts(out.text())).toEqual(['PASS', 'PASS', 'PASS', 'PASS', 'N/A', 'PASS', 'PASS', 'PASS']);
    expect(steps(out.text())).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    // A paid twice with one key, B once with the same key: two charges, not three.
    expect((await charges(dynamodb, api.ledgerTable)).length - before).toBe(2);
  });

  it('prints what it sent and what came back, never a token', async () => {
    const out = bufferedOutput();
    await runSmokeCli([api.url, '--local'], { out });
    const text = out.text();
    expect(text).toMatch(
      /→ POST \/payments {2}Authorization: Bearer <access token of smoke-a-[0-9a-f]{12}> {2}Idempotency-Key: [0-9a-f-]{36} {2}\{"amount":1000,"currency":"EUR","source":"tok_visa"\}/,
    );
    expect(text).toMatch(/← 201 {2}idempotent-replayed: true {2}location: \/payments\/pay_\w+ {2}\{"id":"pay_\w+"/);
    expect(text).toContain('N/A   the local stand-in checks no JWT');
    expect(text).toContain('Cleanup: nothing to delete');
    // Nothing signs in locally, and the report does not say so.
    expect(text).not.toMatch(/signed in/i);
    expect(text).toMatch(/^Caller A: smoke-a-[0-9a-f]{12}, a made-up name sent as the bearer token \(nothing signs in locally\)$/m);
    // Every detail line sits under its step's title, in one column.
    const details = text.split('\n').filter((line) => /^ +(→|←|PASS|FAIL|N\/A)/.test(line));
    expect(new Set(details.map((line) => line.length - line.trimStart().length))).toEqual(new Set([3]));
  });

  describe('with Cognito callers (a fake Cognito and CloudFormation on loopback, the local API behind them)', () => {
    let aws: FakeAws;
    beforeEach(async () => {
      aws = await startFakeAws({
        stacks: {
          PaymentApiSandbox: {
            outputs: {
              [SMOKE_OUTPUTS.apiUrl]: `${api.url}/`,
              [SMOKE_OUTPUTS.userPoolId]: 'eu-west-1_fake',
              [SMOKE_OUTPUTS.clientId]: 'fakeclient',
              Region: 'eu-west-1',
            },
          },
        },
      });
    });
    afterEach(() => aws.close());
    const deps = (out: ReturnType<typeof bufferedOutput>) => ({
      out,
      cloudFormation: () => aws.cloudFormation(),
      cognito: () => aws.cognito(),
    });

    it("reads the stack's outputs, makes two users as the guide does, and deletes both", async () => {
      const out = bufferedOutput();
      const code = await runSmokeCli(['--stack', 'PaymentApiSandbox'], deps(out));

      expect(aws.callsOf('DescribeStacks').map((call) => call.input.StackName)).toEqual(['PaymentApiSandbox']);
      const created = aws.callsOf('AdminCreateUser').map((call) => call.input);
      expect(created).toEqual([
        { UserPoolId: 'eu-west-1_fake', Username: expect.stringMatching(/^smoke-a-[0-9a-f]{12}$/), MessageAction: 'SUPPRESS' },
        { UserPoolId: 'eu-west-1_fake', Username: expect.stringMatching(/^smoke-b-[0-9a-f]{12}$/), MessageAction: 'SUPPRESS' },
      ]);
      expect(aws.callsOf('AdminSetUserPassword').map((call) => call.input.Permanent)).toEqual([true, true]);
      expect(aws.callsOf('InitiateAuth').map((call) => call.input.AuthFlow)).toEqual(['USER_PASSWORD_AUTH', 'USER_PASSWORD_AUTH']);
      expect(aws.callsOf('AdminDeleteUser').map((call) => call.input.Username)).toEqual(created.map((input) => input.Username));
      expect(aws.users.size).toBe(0);
      // Admin calls and DescribeStacks need IAM credentials; InitiateAuth is a public call, sent unsigned.
      expect(aws.calls.filter((call) => !call.signed).map((call) => call.operation)).toEqual(['InitiateAuth', 'InitiateAuth']);

      // The stand-in takes any bearer token, so it accepts the ID token: the one regression this check
      // exists for (routes without the access-token scope). Everything else passes, and the users are gone.
      expect(verdicts(out.text())).toEqual(['PASS', 'PASS', 'PASS', 'PASS', 'FAIL', 'PASS', 'PASS', 'PASS']);
      expect(out.text()).toContain('FAIL  the API accepted an ID token (201)');
      expect(out.text()).toContain('Result: 1 of 8 checks FAILED.');
      expect(out.text()).toMatch(/^Caller A: smoke-a-[0-9a-f]{12}, a throwaway Cognito user, signed in: an access token and an ID token$/m);
      expect(code).toBe(EXIT.failed);
    });

    it('never prints the password or a token', async () => {
      const out = bufferedOutput();
      await runSmokeCli(['--stack', 'PaymentApiSandbox'], deps(out));
      const secrets = aws.callsOf('AdminSetUserPassword').map((call) => String(call.input.Password));
      expect(secrets).toHaveLength(2);
      for (const secret of secrets) expect(out.text()).not.toContain(secret);
      expect(out.text()).not.toMatch(/id-token-of-/);
      expect(out.text()).toContain('Authorization: Bearer <ID token of smoke-a-');
    });
  });
});
