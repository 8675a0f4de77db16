import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { apiClient } from '../../lib/smoke/api-client';
import { cognitoCallers } from '../../lib/smoke/cognito-callers';
import { localCallers } from '../../lib/smoke/local-callers';
import { bufferedOutput } from '../../lib/smoke/output';
import { runSmokeChecks } from '../../lib/smoke/smoke-checks';
import { startLocalApi, type LocalApi } from '../../lib/local/local-api';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from '../support/fake-aws';

// APIs that get idempotency wrong, behind the same local API Gateway stand-in: the checks must fail on each.

type Handler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
) => Promise<{ statusCode: number; headers?: Record<string, string>; body: string }>;
const ROUTES = [
  { method: 'POST', resource: '/payments' },
  { method: 'GET', resource: '/payments' },
];

/** A payment API that charges on every request and never replays. */
function chargesEveryTime(): Handler {
  const ledger = new Map<string, string[]>();
  return async (event) => {
    const owner = String(event.requestContext.authorizer.jwt.claims.sub);
    if (event.requestContext.http.method === 'GET')
      return { statusCode: 200, body: JSON.stringify({ data: (ledger.get(owner) ?? []).map((id) => ({ id })) }) };
    const id = `pay_${randomUUID()}`;
    ledger.set(owner, [...(ledger.get(owner) ?? []), id]);
    return { statusCode: 201, body: JSON.stringify({ id }) };
  };
}

/** A payment API whose keys are not scoped by caller: another caller's request replays the first caller's payment. */
function sharesKeysAmongCallers(): Handler {
  const byKey = new Map<string, string>();
  const ledger = new Map<string, string[]>();
  return async (event) => {
    const owner = String(event.requestContext.authorizer.jwt.claims.sub);
    if (event.requestContext.http.method === 'GET')
      return { statusCode: 200, body: JSON.stringify({ data: (ledger.get(owner) ?? []).map((id) => ({ id })) }) };
    const key = event.headers['idempotency-key']!;
    const stored = byKey.get(key);
    if (stored) return { statusCode: 201, headers: { 'Idempotent-Replayed': 'true' }, body: stored };
    const body = JSON.stringify({ id: `pay_${randomUUID()}` });
    byKey.set(key, body);
    ledger.set(owner, [...(ledger.get(owner) ?? []), JSON.parse(body).id]);
    return { statusCode: 201, body };
  };
}

const verdicts = (text: string) =>
  text
    .split('\n')
    .filter((line) => /^ {3}(PASS|FAIL|N\/A) /.test(line))
    .map((line) => line.trim().split(/\s+/)[0]);

describe('the smoke checks fail on a broken API, and still clean up', () => {
  const apis: LocalApi[] = [];
  let aws: FakeAws | undefined;
  async function serve(handler: Handler): Promise<LocalApi> {
    const api = await startLocalApi({ handler: handler as never, routes: ROUTES });
    apis.push(api);
    return api;
  }
  async function fakeCognito(options: FakeAwsOptions = {}) {
    aws = await startFakeAws(options);
    return { aws, callers: cognitoCallers({ client: aws.cognito(), userPoolId: 'eu-west-1_fake', clientId: 'fakeclient' }) };
  }
  afterEach(async () => {
    await Promise.all(apis.splice(0).map((api) => api.close()));
    await aws?.close();
    aws = undefined;
  });

  it('an API that charges every time fails the replay and the one-payment checks', async () => {
    const api = await serve(chargesEveryTime());
    const out = bufferedOutput();
    const summary = await runSmokeChecks({ api: apiClient(api.url), callers: localCallers(), out });
    expect(verdicts(out.text())).toEqual(['PASS', 'PASS', 'PASS', 'FAIL', 'N/A', 'PASS', 'PASS', 'FAIL']);
    expect(out.text()).toContain('FAIL  expected Idempotent-Replayed: true, got no such header');
    expect(out.text()).toMatch(/FAIL {2}expected exactly one payment, got 2: pay_/);
    expect(summary).toMatchObject({ passed: 5, failed: 2, notApplicable: 1, notRun: 0 });
    expect(out.text()).toContain('Result: 2 of 8 checks FAILED, 1 not applicable here.');
  });

  it("an API that shares keys among callers fails the other caller's checks", async () => {
    const api = await serve(sharesKeysAmongCallers());
    const out = bufferedOutput();
    const summary = await runSmokeChecks({ api: apiClient(api.url), callers: localCallers(), out });
    expect(verdicts(out.text())).toEqual(['PASS', 'PASS', 'PASS', 'PASS', 'N/A', 'FAIL', 'FAIL', 'PASS']);
    expect(out.text()).toContain('FAIL  201, but a first request came back with Idempotent-Replayed: true');
    expect(out.text()).toContain('FAIL  expected exactly one payment, got 0');
    expect(summary.failed).toBe(2);
  });

  it('deletes every Cognito user when checks fail', async () => {
    const api = await serve(chargesEveryTime());
    const { aws, callers } = await fakeCognito();
    const out = bufferedOutput();
    const summary = await runSmokeChecks({ api: apiClient(api.url), callers, out });
    expect(summary.failed).toBeGreaterThan(0);
    expect(aws.callsOf('AdminCreateUser')).toHaveLength(2);
    expect(aws.callsOf('AdminDeleteUser')).toHaveLength(2);
    expect(aws.users.size).toBe(0);
    expect(summary.cleanedUp).toEqual(aws.callsOf('AdminCreateUser').map((call) => `deleted user ${String(call.input.Username)}`));
  });

  it('deletes a user whose sign-in failed half-way, and stops before any payment', async () => {
    const api = await serve(chargesEveryTime());
    const { aws, callers } = await fakeCognito({
      failures: { AdminSetUserPassword: { status: 400, type: 'InvalidPasswordException', message: 'Password does not conform to policy' } },
    });
    const out = bufferedOutput();
    const summary = await runSmokeChecks({ api: apiClient(api.url), callers, out });
    expect(out.text()).toContain('Caller A could not sign in: InvalidPasswordException: Password does not conform to policy');
    // The other 7 checks are still listed, each marked as not run: the count stays 8.
    expect(out.text().match(/^ {3}SKIP {2}not run: caller A could not sign in$/gm)).toHaveLength(7);
    expect(out.text()).toContain('Result: 1 of 8 checks passed, 7 not run.');
    expect(out.text().match(/→ POST/g)).toBeNull();
    expect(aws.callsOf('AdminDeleteUser').map((call) => call.input.Username)).toEqual(
      aws.callsOf('AdminCreateUser').map((call) => call.input.Username),
    );
    expect(aws.users.size).toBe(0);
    expect(summary).toMatchObject({ passed: 1, failed: 0, notRun: 7 });
  });

  it('says how to delete a user it could not delete', async () => {
    const api = await serve(chargesEveryTime());
    const { aws, callers } = await fakeCognito({
      failures: { AdminDeleteUser: { status: 400, type: 'AccessDeniedException', message: 'not allowed' } },
    });
    const out = bufferedOutput();
    const summary = await runSmokeChecks({ api: apiClient(api.url), callers, out });
    expect(aws.users.size).toBe(2);
    expect(summary.cleanupFailures).toHaveLength(2);
    for (const username of aws.users.keys()) {
      expect(out.text()).toContain(
        `Cleanup FAILED: could not delete user ${username} (AccessDeniedException: not allowed); delete it with: aws cognito-idp admin-delete-user --user-pool-id eu-west-1_fake --username ${username}`,
      );
    }
  });

  it('stops at Ctrl-C between steps and still deletes the users', async () => {
    const api = await serve(chargesEveryTime());
    const { aws, callers } = await fakeCognito();
    const interrupt = new AbortController();
    const client = apiClient(api.url);
    // Ctrl-C arrives while the first payment is in flight.
    const interrupting = {
      baseUrl: client.baseUrl,
      send: async (request: Parameters<typeof client.send>[0]) => {
        if (request.method === 'POST' && request.token) interrupt.abort();
        return client.send(request);
      },
    };
    await expect(runSmokeChecks({ api: interrupting, callers, out: bufferedOutput(), signal: interrupt.signal })).rejects.toThrow(/abort/i);
    expect(aws.callsOf('AdminCreateUser')).toHaveLength(1);
    expect(aws.users.size).toBe(0);
  });
});
