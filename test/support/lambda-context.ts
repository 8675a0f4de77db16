import type { Context } from 'aws-lambda';
import { localLambdaContext } from '../../lib/local/lambda-context';

/** A Lambda context whose remaining time counts down from `remainingMs` in real time, as Lambda's does. */
export function lambdaContext(remainingMs = 10_000, functionName = 'test-function'): Context {
  return localLambdaContext(remainingMs, functionName);
}
