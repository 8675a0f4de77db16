import type { SmokeRequest, SmokeResponse } from './api-client';
import type { SmokeOutput } from './output';
import type { Verdict } from './verdicts';

/** Response headers worth showing: the ones the checks read, and the authorizer's reason for a refusal. */
const SHOWN_HEADERS = ['idempotent-replayed', 'location', 'www-authenticate', 'retry-after'];
const MAX_BODY = 300;

/** `→ POST /payments  Authorization: Bearer <access token of smoke-a-…>  Idempotency-Key: …  {…}` */
export function describeRequest(request: SmokeRequest): string {
  const parts = [`→ ${request.method} /${request.path.replace(/^\//, '')}`];
  if (request.token !== undefined) parts.push(`Authorization: Bearer <${request.tokenLabel ?? 'token'}>`);
  else parts.push('(no Authorization header)');
  if (request.idempotencyKey !== undefined) parts.push(`Idempotency-Key: ${request.idempotencyKey}`);
  if (request.body !== undefined) parts.push(JSON.stringify(request.body));
  return parts.join('  ');
}

/** `← 201  idempotent-replayed: true  {"id":"pay_…"}`, the body cut at 300 characters. */
export function describeResponse(response: SmokeResponse): string {
  const parts = [`← ${response.status}`];
  for (const name of SHOWN_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) parts.push(`${name}: ${value}`);
  }
  const body = response.text.replace(/\s+/g, ' ').trim();
  if (body !== '') parts.push(body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}…` : body);
  return parts.join('  ');
}

/** Numbers the steps and counts the verdicts as they are printed. */
export class StepReport {
  private step = 0;
  /** Numbers are right-aligned to the widest one, so every title and detail line starts in one column. */
  private readonly width: number;
  passed = 0;
  failed = 0;
  notApplicable = 0;
  notRun = 0;

  constructor(
    private readonly out: SmokeOutput,
    /** How many steps there will be: the widest number. */
    total: number,
  ) {
    this.width = String(total).length;
  }

  /** Starts a step: a blank line, then `N. title`. */
  begin(title: string): void {
    this.step += 1;
    this.out.line();
    this.out.line(`${String(this.step).padStart(this.width)}. ${title}`);
  }

  /** An unnumbered line between steps (who the callers are): a blank line, then the text. */
  note(text: string): void {
    this.out.line();
    this.out.line(text);
  }

  /** An indented detail line of the current step, in the column of the titles' text. */
  detail(text: string): void {
    this.out.line(`${' '.repeat(this.width + 2)}${text}`);
  }

  /** What was sent and what came back, one line each. */
  exchange(request: SmokeRequest, response: SmokeResponse): void {
    this.detail(describeRequest(request));
    this.detail(describeResponse(response));
  }

  /** `PASS  reason` or `FAIL  reason`, counted; returns whether it passed. */
  verdict(verdict: Verdict): boolean {
    if (verdict.pass) this.passed += 1;
    else this.failed += 1;
    this.detail(`${verdict.pass ? 'PASS' : 'FAIL'}  ${verdict.reason}`);
    return verdict.pass;
  }

  /** A check that did not run because something it needs failed first (counted, never as passed). */
  skipped(reason: string): void {
    this.notRun += 1;
    this.detail(`SKIP  not run: ${reason}`);
  }

  /** A check that cannot be made here, and why (never counted as passed). */
  notApplicableHere(reason: string): void {
    this.notApplicable += 1;
    this.detail(`N/A   ${reason}`);
  }
}
