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

/**
 * How many checks a run reports, always: each is a numbered step with one verdict (PASS, FAIL, N/A
 * where it cannot be made, SKIP when a caller it needs could not sign in). Signing in is not a check.
 */
export const SMOKE_CHECKS = 8;

/** How the run went. `cleanupFailures` lists callers left behind (each line says how to delete it). */
export interface SmokeSummary {
  readonly passed: number;
  readonly failed: number;
  readonly notApplicable: number;
  /** Checks skipped because a caller they need could not sign in. */
  readonly notRun: number;
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
  const report = new StepReport(out, SMOKE_CHECKS);
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

  out.line(resultLine(report));
  const { passed, failed, notApplicable, notRun } = report;
  return { passed, failed, notApplicable, notRun, cleanedUp, cleanupFailures };
}

/** `Result: all 8 checks passed.`, `Result: 7 of 8 checks passed, 1 not applicable here.`, `Result: 2 of 8 checks FAILED, …` */
function resultLine({ passed, failed, notApplicable, notRun }: StepReport): string {
  const others = [notApplicable && `${notApplicable} not applicable here`, notRun && `${notRun} not run`].filter(Boolean);
  const tail = others.length ? `, ${others.join(', ')}.` : '.';
  if (failed > 0) return `Result: ${failed} of ${SMOKE_CHECKS} checks FAILED${tail}`;
  if (passed === SMOKE_CHECKS) return `Result: all ${SMOKE_CHECKS} checks passed.`;
  return `Result: ${passed} of ${SMOKE_CHECKS} checks passed${tail}`;
}

/** The titles of checks 2 to 8, with the callers' names (A and B when a caller could not sign in). */
function titles(a: string, b: string, key: string) {
  return {
    postWithoutToken: 'Without a token, POST /payments is refused and charges nothing',
    pays: `${a} pays with Idempotency-Key ${key}`,
    again: `${a} sends the same request again: the first answer, replayed`,
    idToken: `${a} pays with an ID token instead: refused`,
    otherPays: `${b} pays with the same Idempotency-Key: a payment of their own`,
    otherLists: `${b} lists their payments: exactly their own one`,
    lists: `${a} lists their payments: exactly one (the replay, the ID token and ${b} added none)`,
  };
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
  /** Makes a caller: a line between the checks, not a check of the API (a failure skips the checks that need it). */
  async function signIn(label: string): Promise<SmokeCaller | undefined> {
    signal?.throwIfAborted();
    const who = `Caller ${label.toUpperCase()}`;
    try {
      const caller = await callers.signIn(label);
      report.note(`${who}: ${caller.name}, ${caller.holds}`);
      return caller;
    } catch (error) {
      report.note(`${who} could not sign in: ${(error as Error).name}: ${(error as Error).message}`);
      return undefined;
    }
  }
  const skip = (checks: readonly string[], reason: string) => {
    for (const title of checks) {
      report.begin(title);
      report.skipped(reason);
    }
  };
  const asCaller = (caller: SmokeCaller) => ({ token: caller.accessToken, tokenLabel: `access token of ${caller.name}` });
  const pay = (caller: SmokeCaller, key: string): SmokeRequest => ({
    method: 'POST',
    path: 'payments',
    idempotencyKey: key,
    body: PAYMENT,
    ...asCaller(caller),
  });
  const list = (caller: SmokeCaller): SmokeRequest => ({ method: 'GET', path: 'payments', ...asCaller(caller) });

  const key = newKey();
  const a = await signIn('a');
  if (!a) {
    skip(Object.values(titles('A', 'B', key)), 'caller A could not sign in');
    return;
  }
  let title = titles(a.name, 'B', key);

  report.begin(title.postWithoutToken);
  await check({ method: 'POST', path: 'payments', idempotencyKey: key, body: PAYMENT }, isUnauthorized);

  report.begin(title.pays);
  const first = await check(pay(a, key), isCreated);
  const aPayment = first ? paymentId(first) : undefined;

  report.begin(title.again);
  await check(pay(a, key), (second) => (first ? isReplayOf(second, first) : fail('no first answer to compare with')));

  report.begin(title.idToken);
  if (a.idToken) {
    await check({ ...pay(a, newKey()), token: a.idToken, tokenLabel: `ID token of ${a.name}` }, isTokenRefused);
  } else {
    report.notApplicableHere(callers.noIdTokenReason ?? 'these callers have no ID token');
  }

  const b = await signIn('b');
  if (b) {
    title = titles(a.name, b.name, key);
    report.begin(title.otherPays);
    const theirs = await check(pay(b, key), (response) => isSeparatePayment(response, aPayment));
    report.begin(title.otherLists);
    await check(list(b), (response) => listsOnly(response, theirs ? paymentId(theirs) : undefined));
  } else {
    skip([title.otherPays, title.otherLists], 'caller B could not sign in');
  }

  report.begin(title.lists);
  await check(list(a), (response) => listsOnly(response, aPayment));
}
