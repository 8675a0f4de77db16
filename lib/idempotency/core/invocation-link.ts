import type { InvocationClock } from './lease';
import type { IdempotencyContext } from './outcome';
import type { InvocationTelemetry } from './telemetry';

/** What a nested idempotent call shares with the handler invocation whose `idem` it is given. */
export interface LinkedInvocation {
  /** The Lambda context (remaining time) the handler's invocation follows, if any. */
  readonly clock: InvocationClock | undefined;
  /** The handler invocation's telemetry: the nested call's counts go into the handler's one metrics line. */
  readonly telemetry: InvocationTelemetry;
}

const links = new WeakMap<IdempotencyContext, LinkedInvocation>();

/** Remembers which invocation handed out `idem` (weakly: it goes with the `idem`). */
export function linkInvocation(idem: IdempotencyContext, invocation: LinkedInvocation): void {
  links.set(idem, invocation);
}

/** The invocation that handed out `idem`, if this copy of the library made it. */
export function linkedInvocation(idem: IdempotencyContext): LinkedInvocation | undefined {
  return links.get(idem);
}
