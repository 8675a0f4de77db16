/** Recovery points at the store port: a step's stored result, written once, beside the request's record. */

import { createHash } from 'node:crypto';
import type { EncodedResult } from '../record';

/** Stores a completed step's result under `id`, provided no live result is stored there yet (the first one stands). */
export interface StepPutRequest {
  /** The step's own id (`stepId`): the request's record id, fingerprint and step name, hashed. */
  readonly id: string;
  readonly result: EncodedResult;
  /** Epoch seconds, as a record's: the step lives as long as a record written now would. */
  readonly expiration: number;
  /** The clock reading the expiry condition compares against, epoch ms. */
  readonly now: number;
}

/**
 * Stored: this result is the step's. Not stored: another run stored the step first (a run whose lease was taken
 * over, racing its successor); `existing` is that result, which every run then goes on with.
 */
export type StepPutResult = { readonly stored: true } | { readonly stored: false; readonly existing: EncodedResult };

/** Reads a step's stored result, strongly consistent; one whose `expiration` passed counts as absent. */
export interface StepGetRequest {
  readonly id: string;
  readonly now: number;
}

/**
 * A step's id, in the records' key space: sha256 of the request's record id, its payload fingerprint and the
 * step's name. The fingerprint keeps a released key reused with another payload from finding this payload's steps.
 */
export function stepId(recordId: string, fingerprint: string | undefined, name: string): string {
  return createHash('sha256')
    .update(JSON.stringify(['step/v1', recordId, fingerprint ?? '', name]))
    .digest('hex');
}

/**
 * A stored step's `status`: never a record's (`IN_PROGRESS`, `COMPLETED`), so no claim or read of a record ever
 * mistakes a step for one, in any store that keeps both in one key space.
 */
export const STEP_STATUS = 'STEP';

/** Whether a stored step with `expiration` (epoch s) still counts at `now` (epoch ms): the records' rule. */
export function isLiveStep(expiration: number, now: number): boolean {
  return expiration >= Math.floor(now / 1000);
}
