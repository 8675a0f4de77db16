import type { Refusal } from '../core/outcome';
import { problemResponse, type HttpResponse } from './problem';

/** What an HTTP adapter answers with a problem: a refusal, or the store being unavailable (nothing ran). */
export type ProblemOutcome = Refusal | { readonly kind: 'store-unavailable' };

/** The words of one problem, in the adapter's own terms ("request", "event"). */
export interface ProblemText {
  /** Appended to `problemTypeBase`. */
  readonly type: string;
  readonly title: string;
  readonly detail: string;
}

/** A request that met a store fault may be retried soon: the fault was transient or it would not have been retried. */
export const STORE_RETRY_AFTER_SECONDS = 2;

const STATUS: Readonly<Record<ProblemOutcome['kind'], number>> = {
  'in-progress': 409,
  mismatch: 422,
  unavailable: 500,
  'store-unavailable': 503,
};

/** The RFC 9457 response for an outcome: its status and `Retry-After` here, once; its words from the adapter. */
export function problemFor(outcome: ProblemOutcome, text: ProblemText, problemTypeBase: string): HttpResponse {
  const headers: Record<string, string> = {};
  if (outcome.kind === 'in-progress') headers['Retry-After'] = String(outcome.retryAfterSeconds);
  if (outcome.kind === 'store-unavailable') headers['Retry-After'] = String(STORE_RETRY_AFTER_SECONDS);
  return problemResponse(
    { type: problemTypeBase + text.type, title: text.title, status: STATUS[outcome.kind], detail: text.detail },
    headers,
  );
}
