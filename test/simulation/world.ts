import type { IdempotencyRecord } from 'lambda-idempotency';
import type { Answer, CallRecord, Invocation, Lease, ResultTag, Run } from './model';
import type { Scheduler } from './scheduler';
import type { RequestSpec, ScenarioSpec } from './scenario';
import type { StoreTarget } from './target';

/** The simulator's own account of a run: who claimed what, which runs returned what, what callers got. */
export class World {
  readonly invocations: Invocation[] = [];
  readonly runs: Run[] = [];
  /** Every lease the store granted, by token. */
  readonly leases = new Map<string, Lease>();
  /** Every record id met, with the requests it belongs to (wrapper and key). */
  readonly ids = new Map<string, string>();
  /** The first replayed result of a record's life, per id, and until when (global ms) that life lasts. */
  readonly firstReplay = new Map<string, { readonly run: number; readonly until: number }>();
  /** Completions that landed: token → the record's `expiration` (its owner's clock, seconds). */
  readonly completions = new Map<string, number>();
  /** Whether a write landed (or a record was deleted) since the records were last read. */
  changed = false;
  /** After the main run: the probes run without faults. */
  probing = false;
  /** Every store call, with the record before and after it. */
  readonly calls: CallRecord[] = [];

  constructor(
    readonly scenario: ScenarioSpec,
    readonly scheduler: Scheduler,
    readonly target: StoreTarget,
  ) {}

  /** How far two clocks may disagree: twice the bound of each one's skew. */
  get toleranceMs(): number {
    return 2 * this.scenario.maxSkewMs;
  }

  /** The group a request belongs to: requests of one group share a record id. */
  groupOf(request: RequestSpec): string {
    // \`idempotent\` and \`idempotentSqs\` share the operation's key space; HTTP adds its method and route.
    return `${request.wrapper === 'http' ? 'http' : 'event'}:${request.key}`;
  }

  /** The skew of the invocation that owns `token` (0 if unknown). */
  skewOf(token: string | undefined): number {
    return (token && this.leases.get(token)?.owner.skewMs) || 0;
  }

  /** Global ms until which `record` has not expired, by its writer's clock. */
  expiresAt(record: IdempotencyRecord): number {
    return (record.expiration + 1) * 1000 - this.skewOf(record.leaseToken);
  }

  /** The run a result tag names. */
  runOf(tag: ResultTag): Run | undefined {
    return this.runs[tag.run - 1];
  }

  /** Every answer given so far. */
  answers(): { invocation: Invocation; answer: Answer }[] {
    return this.invocations.flatMap((invocation) => (invocation.answer ? [{ invocation, answer: invocation.answer }] : []));
  }
}
