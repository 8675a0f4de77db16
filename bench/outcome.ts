import type { Context } from 'aws-lambda';
import type { FakeCharge } from './charge';

/**
 * What a caller received, in one word: `ran 201` (this invocation ran the handler), `replayed 201`
 * (answered from the store or cache), another status, or `threw <ErrorName>`.
 */
export function classify(settled: PromiseSettledResult<unknown>, charge: FakeCharge, context: Context): string {
  if (settled.status === 'rejected') {
    const error = settled.reason as { name?: unknown } | null;
    return `threw ${typeof error?.name === 'string' ? error.name : 'a non-error'}`;
  }
  const response = settled.value as { statusCode?: unknown } | null;
  if (typeof response?.statusCode !== 'number') return 'no response';
  if (response.statusCode === 201) return charge.didRun(context.awsRequestId) ? 'ran 201' : 'replayed 201';
  return String(response.statusCode);
}

/** The payment id in a 201 body (to check that every duplicate got the first answer). */
export function paymentIdOf(settled: PromiseSettledResult<unknown>): string | undefined {
  if (settled.status !== 'fulfilled') return undefined;
  const body = (settled.value as { body?: unknown } | null)?.body;
  if (typeof body !== 'string') return undefined;
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Adds one to `counts[key]`. */
export function tally(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}
