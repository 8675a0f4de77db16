import { problemResponse, type HttpResponse } from 'lambda-idempotency';
import type { InvalidParam } from './payment-request';

/** Where the example's own problem types live (the library's have their own base). */
export const PROBLEMS = 'tag:lambda-idempotency,2026:payments/';

/** 400 `invalid-request`, naming each offending field or parameter. */
export function invalidRequest(title: string, errors: readonly InvalidParam[]): HttpResponse {
  return problemResponse({
    type: `${PROBLEMS}invalid-request`,
    title,
    status: 400,
    detail: errors.map((error) => `\`${error.name}\` ${error.reason}`).join('; '),
    errors,
  });
}

/** 404 `not-found`: no payment of that id for this caller, or not an id at all. */
export function paymentNotFound(): HttpResponse {
  return problemResponse({
    type: `${PROBLEMS}not-found`,
    title: 'Payment not found',
    status: 404,
    detail: 'This caller has no payment of that id.',
  });
}
