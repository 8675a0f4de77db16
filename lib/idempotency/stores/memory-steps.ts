import type { EncodedResult } from '../core/record';
import { isLiveStep, type StepGetRequest, type StepPutRequest, type StepPutResult } from '../core/steps/step-record';

/** Steps in a Map, with the DynamoDB store's rule: written once, an expired step counts as absent. */
export class MemorySteps {
  private readonly steps = new Map<string, { readonly result: EncodedResult; readonly expiration: number }>();

  /** The step's result, unless absent or expired. */
  get(request: StepGetRequest): EncodedResult | undefined {
    const step = this.steps.get(request.id);
    return step && isLiveStep(step.expiration, request.now) ? step.result : undefined;
  }

  /** Stores the result unless a live one is stored; then hands that one back. */
  put(request: StepPutRequest): StepPutResult {
    const existing = this.get(request);
    if (existing) return { stored: false, existing };
    this.steps.set(request.id, { result: request.result, expiration: request.expiration });
    return { stored: true };
  }
}
