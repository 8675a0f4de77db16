import type { IdempotencyRecord } from 'lambda-idempotency';
import { Choices } from './choices';
import { virtualAbortTimeouts } from './engine-adapter';
import { invoke, newContainer, type Container } from './invocations';
import {
  answeredClaimIsSettled,
  businessWritesMatchCompletion,
  callerGetsFirstResultOrRefusal,
  InvariantViolation,
  keyFreesAfterLease,
  oneDownstreamKeyPerKey,
  RECORD_INVARIANTS,
} from './invariants';
import type { Invocation } from './model';
import type { Mutant } from './mutant';
import { generateScenario, type RequestSpec, type ScenarioSpec } from './scenario';
import { Scheduler, VIRTUAL_EPOCH_MS } from './scheduler';
import { schedulingStore } from './scheduling-store';
import type { StoreTarget } from './target';
import { World } from './world';

/** How one run is made. */
export interface RunOptions {
  /** A fixed scenario (regression scenarios); otherwise one is drawn from the choices. */
  readonly scenario?: ScenarioSpec | undefined;
  readonly mutant?: Mutant | undefined;
}

/** What one run found. */
export interface RunResult {
  /** The invariant that failed (or `undefined`); anything else thrown is a bug of the simulator and is rethrown. */
  readonly violation: InvariantViolation | undefined;
  /** Every choice taken: replaying them gives this very run. */
  readonly choices: readonly number[];
  readonly trace: readonly string[];
  readonly steps: number;
  readonly scenario: ScenarioSpec;
}

const MAX_STEPS = 5000;
const SWEEP_EVERY_MS = 500;
const MAX_LATENCY_MS = 30;

/** Runs one simulation on `target` with `choices` (seeded or replayed). */
export async function simulate(choices: Choices, target: StoreTarget, options: RunOptions = {}): Promise<RunResult> {
  const scenario = options.scenario ?? generateScenario(choices, { atomicCompletion: target.atomicCompletion });
  const scheduler = new Scheduler(choices, MAX_LATENCY_MS);
  const world = new World(scenario, scheduler, target);
  const store = options.mutant?.wrap ? options.mutant.wrap(target.store) : target.store;
  const undo = [virtualAbortTimeouts((ms, fire) => scheduler.timer(undefined, 'read bound', scheduler.now + ms, async () => fire()))];
  if (options.mutant?.install) undo.push(options.mutant.install());
  const containers: Container[] = [];
  const answered: Invocation[] = [];
  const start = (request: RequestSpec) => {
    const idle = containers.filter((container) => !container.current || (container.current.answer && !container.current.crashed));
    const pick = scheduler.choices.int(idle.length + 1);
    let container = idle[pick];
    if (!container) {
      const scheduled = schedulingStore(world, store, () => container!.current);
      const engineStore = options.mutant?.wrapScheduled ? options.mutant.wrapScheduled(scheduled) : scheduled;
      container = newContainer(world, containers.length + 1, engineStore, target.namespace);
      containers.push(container);
    }
    invoke(world, container, request, (invocation) => {
      answered.push(invocation);
      if (!world.probing && scenario.retries && request.index < scenario.requests.length) retry(invocation);
    });
  };
  // A caller turned away tries once more after the time it was told (a new request index, so forced faults stay with the first).
  let retries = 0;
  const retry = ({ request, answer }: Invocation) => {
    if (answer?.kind !== 'in-progress' && answer?.kind !== 'store-unavailable' && answer?.kind !== 'lease-lost') return;
    const afterMs = 'retryAfterSeconds' in answer && answer.retryAfterSeconds ? answer.retryAfterSeconds * 1000 : 1000;
    const again = { ...request, index: scenario.requests.length + 1000 + retries++, arrivalMs: scheduler.now + afterMs - VIRTUAL_EPOCH_MS };
    scheduler.timer(undefined, `r${again.index} arrives (r${request.index} again)`, scheduler.now + afterMs, async () => start(again));
  };
  // Records change only when a write lands or the TTL sweep deletes one: only then are they read again.
  const records = new Map<string, IdempotencyRecord | undefined>();
  const afterStep = async () => {
    if (world.changed) {
      for (const [id] of world.ids) records.set(id, await target.read(id));
      if (target.atomicCompletion) businessWritesMatchCompletion(world, await target.ledger(new Set(world.ids.keys())));
      world.changed = false;
    }
    for (const [id, record] of records) for (const check of RECORD_INVARIANTS) check(world, id, record);
    oneDownstreamKeyPerKey(world);
    for (const invocation of answered.splice(0)) {
      callerGetsFirstResultOrRefusal(world, invocation, invocation.answer!);
      if (invocation.lastClaim) answeredClaimIsSettled(invocation, await target.read(invocation.lastClaim.id));
      if (world.probing) keyFreesAfterLease(invocation, invocation.answer!);
    }
  };
  const sweep = async () => {
    for (const [id] of world.ids) {
      if (scheduler.choices.chance(0.3) && (await target.expire(id, scheduler.now))) {
        scheduler.note(`TTL deleted record ${id.slice(0, 6)}`);
        world.changed = true;
      }
    }
    if (!scheduler.idle) scheduler.timer(undefined, 'ttl sweep', scheduler.now + SWEEP_EVERY_MS, sweep);
  };

  let violation: InvariantViolation | undefined;
  try {
    for (const request of scenario.requests)
      scheduler.timer(undefined, `r${request.index} arrives`, VIRTUAL_EPOCH_MS + request.arrivalMs, async () => start(request));
    scheduler.timer(undefined, 'ttl sweep', VIRTUAL_EPOCH_MS + SWEEP_EVERY_MS, sweep);
    await scheduler.run(afterStep, MAX_STEPS);
    if (!scheduler.idle) throw new InvariantViolation('runTerminates', `still running after ${MAX_STEPS} steps`);
    await probe(world, scheduler, start);
    await scheduler.run(afterStep, MAX_STEPS);
  } catch (error) {
    if (!(error instanceof InvariantViolation)) throw error;
    violation = error;
    scheduler.note(`VIOLATION ${error.message}`);
  } finally {
    for (const restore of undo.reverse()) restore();
  }
  return { violation, choices: [...choices.taken], trace: scheduler.trace, steps: scheduler.stepCount, scenario };
}

/** Once every lease has ended (and the outage too), one fault-free request per key: each must run or be answered. */
async function probe(world: World, scheduler: Scheduler, start: (request: RequestSpec) => void): Promise<void> {
  const leaseEnds = [...world.leases.values()].map((lease) => lease.leaseExpiresAt - lease.owner.skewMs);
  const outageEnd = world.scenario.outage ? VIRTUAL_EPOCH_MS + world.scenario.outage.toMs : 0;
  scheduler.now = Math.max(scheduler.now, outageEnd, ...leaseEnds) + world.toleranceMs + 1;
  world.probing = true;
  scheduler.note('every lease has ended: one request per key, without faults');
  const groups = new Map(world.scenario.requests.map((request) => [world.groupOf(request), request]));
  let index = world.scenario.requests.length;
  for (const request of groups.values()) {
    start({ ...request, index: index++, payload: 'a', behaviour: 'ok', arrivalMs: scheduler.now - VIRTUAL_EPOCH_MS, timeoutMs: 6000 });
  }
}

/** Runs seed `seed`. */
export function simulateSeed(seed: number, target: StoreTarget, options: RunOptions = {}): Promise<RunResult> {
  return simulate(Choices.seeded(seed), target, options);
}
