import type { IdempotencyStore } from 'lambda-idempotency';
import { LOCAL_STORE_METHODS, type RenewRequest } from './engine-adapter';
import { CALL_INVARIANTS } from './invariants';
import type { CallRecord, Invocation } from './model';
import type { FaultKind } from './scenario';
import { VIRTUAL_EPOCH_MS } from './scheduler';
import type { World } from './world';

/** The error a simulated fault raises: what a reset connection or a timeout looks like to the engine. */
export class SimulatedStoreFault extends Error {
  constructor(what: string) {
    super(`simulated store fault: ${what}`);
    this.name = 'SimulatedStoreFault';
  }
}

const RANDOM_FAULTS: readonly FaultKind[] = ['crash', 'never-lands', 'answer-lost', 'answer-lost-retried', 'pause'];
const STEP_FAULTS: readonly FaultKind[] = ['crash', 'pause'];

/**
 * The store as the engine sees it: every method call that goes to the store (today's, `renew` from the lease
 * keeper among them, and any a later store port adds) is a scheduling point, where the schedule may deliver it,
 * lose it, lose its answer, retry it as an SDK would, crash the caller or freeze it past its lease. Each call is
 * checked against the invariants with the record as it was before and after. `idem.write`'s local check is no I/O:
 * it is passed through.
 */
export function schedulingStore(world: World, inner: IdempotencyStore, caller: () => Invocation | undefined): IdempotencyStore {
  return new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
      if (LOCAL_STORE_METHODS.has(property)) return (value as (...args: unknown[]) => unknown).bind(target);
      return (...args: unknown[]) => {
        const invocation = caller();
        return new Promise((resolve, reject) => {
          const call = { name: property, args, id: idOf(args), token: tokenOf(args) };
          const label = `${invocation?.name ?? '-'} ${property}${call.id ? ` ${call.id.slice(0, 6)}` : ''}`;
          world.scheduler.call(invocation, label, () =>
            step(world, invocation, property, label, async (fault) => {
              const settled = await land(world, inner, invocation, call, fault);
              if ('error' in settled) reject(settled.error);
              else resolve(settled.value);
            }),
          );
        });
      };
    },
  });
}

/**
 * A scheduling point of `invocation` (a store call, a handler's downstream call, a lease keeper's renewal): a
 * frozen process first waits until it thaws; then Lambda's deadline, then a fault chosen by the schedule (or
 * forced by the scenario); `crash` stops the invocation for good (its lease keeper with it: the process is gone),
 * `pause` freezes the whole process (its keeper too) until after its lease ended. `perform` does the rest with
 * the fault that is left.
 */
export async function step(
  world: World,
  invocation: Invocation | undefined,
  name: string,
  label: string,
  perform: (fault: FaultKind) => Promise<void>,
): Promise<void> {
  if (invocation?.frozenUntil !== undefined && world.scheduler.now < invocation.frozenUntil) {
    world.scheduler.timer(invocation, `${label} (thawed)`, invocation.frozenUntil, () => step(world, invocation, name, label, perform));
    return;
  }
  if (invocation && timedOut(world, invocation)) return;
  const fault = invocation ? chooseFault(world, invocation, name) : 'none';
  if (fault === 'crash') {
    invocation!.crashed = true;
    world.scheduler.note(`${label}: CRASH (never resumes)`);
    return;
  }
  if (fault === 'pause') {
    invocation!.paused = true;
    const wakeAt = pauseEnd(world, invocation!);
    invocation!.frozenUntil = wakeAt;
    world.scheduler.note(`${label}: PAUSE until +${wakeAt - VIRTUAL_EPOCH_MS} ms`);
    world.scheduler.timer(invocation, `${label} (woken)`, wakeAt, () => perform('none'));
    return;
  }
  await perform(fault);
}

/**
 * A timer of `invocation`'s process (a sleep, the lease keeper's wait): dropped if the process crashes, and held
 * while it is frozen (a frozen process runs no timer: it fires once it thaws). Returns the cancel.
 */
export function processTimer(
  world: World,
  invocation: Invocation | undefined,
  label: string,
  at: number,
  perform: () => Promise<void>,
): () => void {
  let cancel = () => {};
  const fire = async (): Promise<void> => {
    const frozenUntil = invocation?.frozenUntil;
    if (frozenUntil !== undefined && world.scheduler.now < frozenUntil) {
      cancel = world.scheduler.timer(invocation, `${label} (thawed)`, frozenUntil, fire);
      return;
    }
    await perform();
  };
  cancel = world.scheduler.timer(invocation, label, at, fire);
  return () => cancel();
}

/** Lambda stops an invocation at its deadline (a paused one has already outlived it). */
export function timedOut(world: World, invocation: Invocation): boolean {
  if (invocation.paused || world.scheduler.now <= invocation.deadline) return false;
  invocation.crashed = true;
  world.scheduler.note(`${invocation.name}: timed out (Lambda stops it)`);
  return true;
}

function chooseFault(world: World, invocation: Invocation, name: string): FaultKind {
  const nth = (invocation.calls.get(name) ?? 0) + 1;
  invocation.calls.set(name, nth);
  const forced = world.scenario.forced.find((f) => f.request === invocation.request.index && f.call === name && (f.nth ?? 1) === nth);
  if (forced) return forced.fault;
  const { choices } = world.scheduler;
  if (world.probing) return 'none';
  if (world.scenario.faultRate === 0 || !choices.chance(world.scenario.faultRate)) return 'none';
  return choices.pick(name === 'handler' ? STEP_FAULTS : RANDOM_FAULTS);
}

/** Past the invocation's lease (or a few seconds, if it holds none), by a margin the schedule picks. */
function pauseEnd(world: World, invocation: Invocation): number {
  const lease = invocation.lastClaim && world.leases.get(invocation.lastClaim.token);
  const { choices, now } = world.scheduler;
  if (!lease) return now + choices.between(1000, 6000);
  return Math.max(now, lease.leaseExpiresAt - invocation.skewMs) + world.toleranceMs + choices.between(1, 2000);
}

interface Call {
  readonly name: string;
  readonly args: unknown[];
  readonly id: string | undefined;
  readonly token: string | undefined;
}

/** Sends the call as the fault says, reads the record around it, keeps the account, checks the call's invariants. */
async function land(
  world: World,
  inner: IdempotencyStore,
  invocation: Invocation | undefined,
  call: Call,
  chosen: FaultKind,
): Promise<{ value: unknown } | { error: unknown }> {
  const { outage } = world.scenario;
  const at = world.scheduler.now - VIRTUAL_EPOCH_MS;
  const fault: FaultKind | 'outage' = !world.probing && outage && at >= outage.fromMs && at < outage.toMs ? 'outage' : chosen;
  if (fault !== 'none') {
    invocation?.faults.push(`${call.name}:${fault}`);
    world.scheduler.note(`${invocation?.name ?? '-'} ${call.name}: ${fault}`);
  }
  const method = (Reflect.get(inner, call.name, inner) as (...args: unknown[]) => Promise<unknown>).bind(inner);
  const writes = call.name !== 'get' && call.id !== undefined;
  const before = writes ? await world.target.read(call.id!) : undefined;
  let answer: unknown;
  let error: unknown;
  try {
    const { wire } = world.target;
    const send = () => method(...call.args);
    if (fault === 'never-lands' || fault === 'outage')
      error = wire ? await wire.neverLands(send) : new SimulatedStoreFault(`${call.name} never landed`);
    else if (fault === 'answer-lost-retried' && wire) answer = await wire.answerLostRetried(call.name, send);
    else {
      answer = await send();
      if (fault === 'answer-lost') error = new SimulatedStoreFault(`${call.name} landed, its answer was lost`);
      if (fault === 'answer-lost-retried') answer = await send();
    }
  } catch (thrown) {
    error = thrown;
    // A real store's own error (not a simulated fault) is a fault the schedule did not choose: it is traced.
    const aborted = (call.args[1] as { signal?: AbortSignal } | undefined)?.signal?.aborted === true; // the caller's own bound
    if ((fault === 'none' || fault === 'answer-lost-retried') && !aborted) {
      world.scheduler.note(
        `${invocation?.name ?? '-'} ${call.name}: the store threw ${(thrown as Error).name}: ${(thrown as Error).message}`,
      );
      invocation?.faults.push(`${call.name}:store-error`);
    }
  }
  const after = writes ? await world.target.read(call.id!) : undefined;
  const record: CallRecord = {
    name: call.name,
    invocation,
    id: call.id,
    token: call.token,
    args: call.args,
    before,
    after,
    answer: error ? undefined : answer,
    fault,
  };
  world.calls.push(record);
  if (writes) world.changed = true;
  account(world, invocation, record, fault === 'answer-lost' ? undefined : answer);
  for (const check of CALL_INVARIANTS) check(world, record);
  return error !== undefined ? { error } : { value: answer };
}

/** Leases granted and completions landed (whoever learned of them), and the claims the engine was told of. */
function account(world: World, invocation: Invocation | undefined, call: CallRecord, delivered: unknown): void {
  const { after, token, id } = call;
  if (id !== undefined && invocation) world.ids.set(id, world.groupOf(invocation.request));
  if (after && after.leaseToken === token && token !== undefined) {
    if (after.status === 'IN_PROGRESS' && !world.leases.has(token) && invocation)
      world.leases.set(token, {
        token,
        id: after.id,
        owner: invocation,
        leaseExpiresAt: after.leaseExpiresAt,
        writtenAt: after.createdAt,
        completed: false,
        released: false,
      });
    if (after.status === 'COMPLETED') {
      world.completions.set(token, after.expiration);
      const lease = world.leases.get(token);
      if (lease) lease.completed = true;
    }
  }
  const lease = token === undefined ? undefined : world.leases.get(token);
  // A renewal that landed (whoever learned of it) moves the lease: from now on it is live until its new end.
  if (
    call.name === 'renew' &&
    lease &&
    after?.status === 'IN_PROGRESS' &&
    after.leaseToken === token &&
    after.leaseExpiresAt !== lease.leaseExpiresAt
  ) {
    lease.leaseExpiresAt = after.leaseExpiresAt;
    lease.writtenAt = (call.args[0] as RenewRequest).now;
  }
  if (call.name === 'release' && lease && call.before?.leaseToken === token && !after) lease.released = true;
  if (call.name === 'claim' && invocation && token && id && (delivered as { claimed?: boolean } | undefined)?.claimed) {
    invocation.claims.set(token, id);
    invocation.lastClaim = { token, id };
  }
}

function idOf(args: readonly unknown[]): string | undefined {
  const first = args[0];
  if (typeof first === 'string') return first;
  const id = (first as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

function tokenOf(args: readonly unknown[]): string | undefined {
  const token = (args[0] as { leaseToken?: unknown } | null)?.leaseToken;
  if (typeof token === 'string') return token;
  return typeof args[0] === 'string' && typeof args[1] === 'string' ? args[1] : undefined;
}
