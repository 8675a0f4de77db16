import { ErrorCode, hasErrorCode, type IdempotencyWriteConditionError } from '../errors';
import { problemResponse, ProblemType, type HttpResponse } from './problem';

/**
 * The answer for an atomic commit that wrote nothing, or `undefined` for any other error: a failed write
 * condition is the request's own conflict with the data (409, naming the write); a lost lease means another
 * invocation took the request over, so a retry soon gets its answer (409, `Retry-After`).
 */
export function writeProblem(error: unknown, problemTypeBase: string): HttpResponse | undefined {
  if (hasErrorCode(error, ErrorCode.writeConditionFailed)) {
    const { write, failures } = error as IdempotencyWriteConditionError;
    return problemResponse({
      type: problemTypeBase + ProblemType.writeConditionFailed,
      title: 'Request conflicts with the current data',
      status: 409,
      detail: `The condition of the write ${write} failed, so nothing was written.`,
      write,
      writes: failures.map((failure) => failure.name),
    });
  }
  if (hasErrorCode(error, ErrorCode.leaseLost)) {
    return problemResponse(
      {
        type: problemTypeBase + ProblemType.leaseLost,
        title: 'Request taken over',
        status: 409,
        detail:
          'This request ran past its time and a retry took it over; nothing of this run was written. Retry with the same Idempotency-Key to get its response.',
      },
      { 'Retry-After': '1' },
    );
  }
  return undefined;
}
