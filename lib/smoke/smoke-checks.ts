import { randomUUID } from 'node:crypto';
import type { ApiClient, SmokeRequest, SmokeResponse } from './api-client';
import { ApiUnreachableError } from './api-unreachable';
import { CleanupError, type CallerSource, type SmokeCaller } from './callers';
import type { SmokeOutput } from './output';
import { StepReport, describeRequest } from './step-report';
import {
  fail,
  isCreated,
  isReplayOf,
  isSeparatePayment,
  isTokenRefused,
  isUnauthorized,
  listsOnly,
  pass,
  paymentId,
  type Verdict,
} from './verdicts';

/** What {@link runSmokeChecks} needs: the API, where its callers come from, where to write. */
export interface SmokeRunOptions {
  readonly api: ApiClient;
  readonly callers: CallerSource;
  readonly out: SmokeOutput;
  /** A fresh Idempotency-Key. @default crypto.randomUUID */
  readonly newKey?: () => string;
  /** Stops between steps (Ctrl-C); the callers are still cleaned up. @default undefined */
  readonly signal?: AbortSignal;
}

/** How the run went. `cleanupFailures` lists callers left behind (each line says how to delete it). */
export interface SmokeSummary {
  readonly passed: number;
  readonly failed: number;
  readonly notApplicable: number;
  readonly cleanedUp: readonly string[];
  readonly cleanupFailures: readonly string[];
}

/** A payment of 10.00 EUR on the fake gateway's test card. */
const PAYMENT = { amount: 1000, currency: 'EUR', source: 'tok_visa' } as const;

/**
 * The checks of the README's deploy guide, in order: no token is refused; a caller pays twice
 * with one Idempotency-Key and gets 201, then the same body replayed; an ID token is refused;
 * another caller with the same key gets a payment of their own; each lists exactly one payment.
 * Throws {@link ApiUnreachableError} before signing anyone in when nothing answers at the URL;
 * every caller it signed in is cleaned up, whatever fails after that.
 */
export async function runSmokeChecks(options: SmokeRunOptions): Promise<SmokeSummary> {
  const { api, callers, out, signal } = options;
  const newKey = options.newKey ?? randomUUID;
  const report = new StepReport(out);
  out.line(`Smoke test of ${api.baseUrl}`);
  out.line(`Callers: ${callers.description}`);

  // First, and before any caller exists: does anything answer there, and is it behind an authorizer?
  report.begin('Without a token, GET /payments is refused');
  const probe: SmokeRequest = { method: 'GET', path: 'payments' };
  const probed = await api.send(probe);
  report.exchange(probe, probed);
  report.verdict(isUnauthorized(probed));

  let cleanedUp: string[] = [];
  let cleanupFailures: string[] = [];
  try {
    await checksWithCallers(api, callers, report, newKey, signal);
  } finally {
    out.line();
    try {
      cleanedUp = await callers.cleanUp();
    } catch (error) {
      if (!(error instanceof CleanupError)) throw error;
      cleanedUp = error.removed;
      cleanupFailures = error.failures;
    }
    if (cleanedUp.length === 0 && cleanupFailures.length === 0) out.line('Cleanup: nothing to delete');
    for (const line of cleanedUp) out.line(`Cleanup: ${line}`);
    for (const line of cleanupFailures) out.line(`Cleanup FAILED: ${line}`);
  }

  const total = report.passed + report.failed;
  const na = report.notApplicable ? ` (${report.notApplicable} not applicable here)` : '';
  if (report.failed === 0) out.line(`Result: all ${total} checks passed${na}.`);
  else out.line(`Result: ${report.failed} of ${total} checks FAILED${na}.`);
  return { passed: report.passed, failed: report.failed, notApplicable: report.notApplicable, cleanedUp, cleanupFailures };
}

async function checksWithCallers(
  api: ApiClient,
  callers: CallerSource,
  report: StepReport,
  newKey: () => string,
  signal?: AbortSignal,
): Promise<void> {
  /** Sends a request and prints the exchange; a request without an answer is a failed check, not a crash. */
  async function call(request: SmokeRequest): Promise<SmokeResponse | undefined> {
    signal?.throwIfAborted();
    try {
      const response = await api.send(request);
      report.exchange(request, response);
      return response;
    } catch (error) {
      if (!(error instanceof ApiUnreachableError)) throw error;
      report.detail(describeRequest(request));
      report.verdict(fail(error.message));
      return undefined;
    }
  }
  async function check(request: SmokeRequest, verdict: (response: SmokeResponse) => Verdict): Promise<SmokeResponse | undefined> {
    const response = await call(request);
    if (response) report.verdict(verdict(response));
    return response;
  }
  async function signIn(label: string): Promise<SmokeCaller | undefined> {
    signal?.throwIfAborted();
    report.begin(`Sign in a throwaway caller (${label.toUpperCase()})`);
    try {
      const caller = await callers.signIn(label);
      report.verdict(pass(`signed in as ${caller.name}: an access token${caller.idToken ? ' and an ID token' : ''}`));
      return caller;
    } catch (error) {
      report.verdict(fail(`could not sign in: ${(error as Error).name}: ${(error as Error).message}`));
      return undefined;
    }
  }
  const asCaller = (caller: SmokeCaller) => ({ token: caller.accessToken, tokenLabel: `access token of ${caller.name}` });
  const pay = (caller: SmokeCaller, key: string): SmokeRequest => ({
    method: 'POST',
    path: 'payments',
    idempotencyKey: key,
    body: PAYMENT,
    ...asCaller(caller),
  });
  const list = (caller: SmokeCaller): SmokeRequest => ({ method: 'GET', path: 'payments', ...asCaller(caller) });

  const a = await signIn('a');
  if (!a) {
    report.detail('stopping: every other check needs a signed-in caller');
    return;
  }
  const key = newKey();

  report.begin('Without a token, POST /payments is refused and charges nothing');
  await check({ method: 'POST', path: 'payments', idempotencyKey: key, body: PAYMENT }, isUnauthorized);

  report.begin(`${a.name} pays with Idempotency-Key ${key}`);
  const first = await check(pay(a, key), isCreated);
  const aPayment = first ? paymentId(first) : undefined;

  report.begin(`${a.name} sends the same request again: the first answer, replayed`);
  await check(pay(a, key), (second) => (first ? isReplayOf(second, first) : fail('no first answer to compare with')));

  report.begin(`${a.name} pays with an ID token instead: refused`);
  if (a.idToken) {
    await check({ ...pay(a, newKey()), token: a.idToken, tokenLabel: `ID token of ${a.name}` }, isTokenRefused);
  } else {
    report.notApplicableHere(callers.noIdTokenReason ?? 'these callers have no ID token');
  }

  const b = await signIn('b');
  if (b) {
    report.begin(`${b.name} pays with the same Idempotency-Key: a payment of their own`);
    const theirs = await check(pay(b, key), (response) => isSeparatePayment(response, aPayment));
    report.begin(`${b.name} lists their payments: exactly their own one`);
    await check(list(b), (response) => listsOnly(response, theirs ? paymentId(theirs) : undefined));
  }

  report.begin(`${a.name} lists their payments: exactly one (the replay, the ID token and ${b?.name ?? 'B'} added none)`);
  await check(list(a), (response) => listsOnly(response, aPayment));
}
