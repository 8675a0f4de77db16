import { ErrorCode, hasErrorCode } from '../errors';
import { problemResponse, ProblemType, type HttpResponse } from './problem';

/**
 * The answer for a stored response the codec cannot read (a missing or wrong decryption key, a record moved to
 * another key): a server-side fault of that record, 500 with a stable type. The request ran once already, so it is
 * not run again; a retry gets the same answer until the key is restored or the record expires.
 * `undefined` for any other error.
 */
export function undecodableProblem(error: unknown, problemTypeBase: string): HttpResponse | undefined {
  if (!hasErrorCode(error, ErrorCode.resultUndecodable)) return undefined;
  return problemResponse({
    type: problemTypeBase + ProblemType.responseUndecodable,
    title: 'Stored response unreadable',
    status: 500,
    detail:
      'The request with this Idempotency-Key was processed, but its stored response cannot be read back, so it is neither repeated nor run again. The server log says more.',
  });
}
