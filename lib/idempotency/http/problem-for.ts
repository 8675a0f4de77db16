import type { Refusal } from '../core/outcome';
import { problemResponse, ProblemType, type HttpResponse } from './problem';

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

// The wait a problem suggests (an in-progress one carries its own): a lost lease's new owner answers soon.
const RETRY_AFTER_SECONDS: Readonly<Partial<Record<ProblemOutcome['kind'], number>>> = {
  'store-unavailable': STORE_RETRY_AFTER_SECONDS,
  'lease-lost': 1,
};

const STATUS: Readonly<Record<ProblemOutcome['kind'], number>> = {
  'in-progress': 409,
  mismatch: 422,
  unavailable: 500,
  'store-unavailable': 503,
  'write-refused': 409,
  'lease-lost': 409,
};

/**
 * The words of the handler's refused writes, the same for every HTTP adapter: a failed write condition is the
 * request's own conflict with the data (naming the write); a lost lease means another invocation took the
 * request over, so a retry soon gets its answer.
 */
export const WRITE_REFUSAL_PROBLEMS = {
  'write-refused': {
    type: ProblemType.writeConditionFailed,
    title: 'Request conflicts with the current data',
    detail: 'The condition of the write {write} failed, so nothing was written.',
  },
  'lease-lost': {
    type: ProblemType.leaseLost,
    title: 'Request taken over',
    detail:
      'This request ran past its time and a retry took it over; nothing of this run was written. Retry with the same Idempotency-Key to get its response.',
  },
} as const satisfies Record<string, ProblemText>;

/**
 * The RFC 9457 response for an outcome, in one place: its status, `Retry-After` and members here; its words
 * from the adapter. A replayed write refusal gets exactly the answer its first refusal got.
 */
export function problemFor(outcome: ProblemOutcome, text: ProblemText, problemTypeBase: string): HttpResponse {
  let members: Record<string, unknown> = {};
  let { detail } = text;
  const retryAfter = outcome.kind === 'in-progress' ? outcome.retryAfterSeconds : RETRY_AFTER_SECONDS[outcome.kind];
  if (outcome.kind === 'write-refused') {
    const write = outcome.failures[0]?.name ?? '';
    detail = detail.replace('{write}', write);
    members = { write, writes: outcome.failures.map((failure) => failure.name) };
  }
  return problemResponse(
    { type: problemTypeBase + text.type, title: text.title, status: STATUS[outcome.kind], detail, ...members },
    retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
  );
}
