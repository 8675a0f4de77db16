import type { EncodedResult } from '../core/record';
import { isLiveStep, STEP_STATUS, type StepPutRequest, type StepPutResult } from '../core/steps/step-record';
import { ATTRIBUTES as A } from '../schema';
import { fieldsFromFlat, keyLifetimeMs, resultField, resultFromFields } from './redis-record';

/**
 * How a step (`idem.step`'s recovery point) lives in Redis: one hash under the store's `keyPrefix` and the step's
 * own id (in the records' key space, as the DynamoDB store keeps it beside them), with a record's field names and
 * `status` `STEP`, so a record read never mistakes it for a record. Results are encoded as a record's (gzip bytes
 * as base64). Pure: builds the put script's arguments and reads replies, with no client.
 */

/** ARGV of the put-step script: the key lives as long past the step's expiration as a record's does past its own. */
export function putStepArgs(request: StepPutRequest): string[] {
  const args = [String(request.expiration), keyLifetimeMs(request.expiration, request.now), String(request.now), request.result.encoding];
  const data = resultField(request.result);
  if (data !== undefined) args.push(data);
  return args;
}

/** A hash read back into a step's result; `undefined` when empty, expired at `now` (epoch ms), or not a step. */
export function stepFromFields(fields: Record<string, string>, now: number): EncodedResult | undefined {
  if (fields[A.status] !== STEP_STATUS || fields[A.expiration] === undefined) return undefined;
  if (!isLiveStep(Number(fields[A.expiration]), now)) return undefined;
  return resultFromFields(fields);
}

/**
 * The put-step script's reply as the store's result. The script hands back only a live hash, so one that is not a
 * step means the key holds something else (a record whose id collides with a step's, or foreign data under the
 * prefix): a fault, never a step stored or a result made up.
 */
export function stepPutResultFromReply(reply: unknown, now: number): StepPutResult {
  if (!Array.isArray(reply) || reply.length === 0) throw new Error(`Unexpected reply from the put-step script: ${JSON.stringify(reply)}`);
  const [outcome, ...flat] = reply;
  if (outcome === 'stored') return { stored: true };
  if (outcome !== 'existing') throw new Error(`Unexpected reply from the put-step script: ${JSON.stringify(outcome)}`);
  const existing = stepFromFields(fieldsFromFlat(flat), now);
  if (!existing) throw new Error("The put-step script found a live hash that is not a step under the step's key: nothing was stored");
  return { stored: false, existing };
}
