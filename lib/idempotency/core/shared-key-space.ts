import type { ResolvedEngineOptions } from './options';

/** The operations wrapped so far on each store, and whether their sharing was already reported. */
const wrappedOperations = new WeakMap<object, Map<string, 'once' | 'reported'>>();

/**
 * Notes that a wrapper keys its events under `operation` on `store`, and warns once when a second wrapper in this
 * process does the same: two handlers on one key space replay each other's results for equal keys (an SQS message id,
 * an event id). HTTP and webhook wrappers add their route to the operation, so they are not noted here.
 */
export function noteKeySpace(options: Pick<ResolvedEngineOptions, 'store' | 'operation' | 'logger'>, wrapper: string): void {
  const operations = wrappedOperations.get(options.store) ?? new Map<string, 'once' | 'reported'>();
  wrappedOperations.set(options.store, operations);
  const seen = operations.get(options.operation);
  operations.set(options.operation, seen ? 'reported' : 'once');
  if (seen !== 'once') return;
  options.logger.warn(
    'A second wrapper uses the same store and operation: both key their events in one key space, so equal keys replay each other’s results. Give each handler its own `operation`.',
    { operation: options.operation, wrapper },
  );
}
