/**
 * The protocol's invariants, each a named function that throws `InvariantViolation` with its own name.
 * INVARIANTS.md describes each one (one anchor per function) and the README's guarantees link there.
 * Times are global virtual ms; every record time is its writer's clock, so comparisons allow `toleranceMs`.
 */
import type { IdempotencyRecord } from 'lambda-idempotency';
import type { LedgerItem } from './engine-adapter';
import type { Answer, CallRecord, Invocation, ResultTag } from './model';
import { LEASE_MARGIN_MS } from './scenario';
import type { World } from './world';

/** An invariant that failed: its name (the function's) and what happened. */
export class InvariantViolation extends Error {
  constructor(
    readonly invariant: string,
    detail: string,
  ) {
    super(`${invariant}: ${detail}`);
    this.name = 'InvariantViolation';
  }
}

function fail(invariant: string, detail: string): never {
  throw new InvariantViolation(invariant, detail);
}

/** The result a stored record holds, as a tag, if it is one of the simulated handlers' results. */
export function storedTag(record: IdempotencyRecord | undefined): ResultTag | undefined {
  if (record?.status !== 'COMPLETED' || record.result.encoding !== 'json') return undefined;
  return tagOf(JSON.parse(record.result.data));
}

/** The tag inside a result: the value itself, or an HTTP response's JSON body. */
export function tagOf(value: unknown): ResultTag | undefined {
  const body = (value as { body?: unknown } | null)?.body;
  const inner = typeof body === 'string' ? safeParse(body) : value;
  const tag = inner as Partial<ResultTag> | null;
  return tag && typeof tag.run === 'number' && typeof tag.key === 'string' ? (tag as ResultTag) : undefined;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const WRITES = (name: string) => name !== 'claim' && name !== 'get';

/**
 * Side effect at most once while leases are honoured: a claim lands only on a free key (absent, expired,
 * or in progress with an ended lease), so no two invocations ever hold live leases on one key.
 */
export function claimsAreExclusive(world: World, call: CallRecord): void {
  const { before, after } = call;
  if (!['claim', 'overwrite'].includes(call.name) || after?.status !== 'IN_PROGRESS' || after.leaseToken !== call.token) return;
  if (before?.leaseToken === call.token) return;
  const now = world.scheduler.now;
  const slack = world.toleranceMs;
  // A live lease keeps the key whatever happened to its record (expired, deleted by TTL, overwritten)...
  for (const lease of world.leases.values()) {
    if (lease.id !== after.id || lease.token === call.token || lease.completed || lease.released) continue;
    if (lease.leaseExpiresAt - lease.owner.skewMs > now + slack)
      fail(
        'claimsAreExclusive',
        `a claim by ${call.invocation?.name} took the key while ${lease.owner.name}'s lease runs ${lease.leaseExpiresAt - lease.owner.skewMs - now} ms more`,
      );
  }
  // ...and a completed record keeps it until it expires.
  if (before?.status === 'COMPLETED' && world.expiresAt(before) > now + slack)
    fail('claimsAreExclusive', `a claim by ${call.invocation?.name} replaced a completed record that has not expired`);
}

/** Side effect at most once: every run of a key passes the same downstream key, so a re-run after a takeover charges once. */
export function oneDownstreamKeyPerKey(world: World): void {
  const byRecord = new Map<string, string>();
  for (const run of world.runs) {
    const known = byRecord.get(run.recordId);
    if (known !== undefined && known !== run.downstreamKey)
      fail('oneDownstreamKeyPerKey', `run ${run.id} of one key used another downstream key than an earlier run`);
    byRecord.set(run.recordId, run.downstreamKey);
  }
}

/** A completed record's result is what one run of that key returned, under that run's lease token. */
export function resultComesFromARun(world: World, id: string, record: IdempotencyRecord | undefined): void {
  if (record?.status !== 'COMPLETED' || record.result.encoding !== 'json') return;
  const tag = storedTag(record);
  const run = tag && world.runOf(tag);
  if (!tag || !run) return fail('resultComesFromARun', `record ${short(id)} holds a result no run returned: ${record.result.data}`);
  if (run.recordId !== id) fail('resultComesFromARun', `record ${short(id)} holds the result of run ${run.id}, a run of another key`);
  if (JSON.stringify(run.returned) !== JSON.stringify(tag))
    fail('resultComesFromARun', `record ${short(id)} holds a result run ${run.id} did not return`);
  if (record.leaseToken !== undefined && record.leaseToken !== run.token)
    fail('resultComesFromARun', `record ${short(id)} holds run ${run.id}'s result under another lease token`);
}

/** Once a result was replayed to anyone, the record answers that result until it expires. */
export function replayedResultNeverChanges(world: World, id: string, record: IdempotencyRecord | undefined): void {
  const first = world.firstReplay.get(id);
  const tag = storedTag(record);
  if (!first || !tag || world.scheduler.now + world.toleranceMs >= first.until) return;
  if (tag.run !== first.run)
    fail('replayedResultNeverChanges', `record ${short(id)} now holds run ${tag.run}'s result, after run ${first.run}'s was replayed`);
}

/**
 * Every caller gets the first result (its own run's, or the replayed one of its own key and payload), a
 * documented retryable refusal (409 / 503 with a retry time) or a documented final refusal (422 mismatch).
 */
export function callerGetsFirstResultOrRefusal(world: World, invocation: Invocation, answer: Answer): void {
  const { request } = invocation;
  const name = `${invocation.name} (${request.wrapper} ${request.key}/${request.payload})`;
  const refuse = (detail: string) => fail('callerGetsFirstResultOrRefusal', `${name} ${detail}`);
  switch (answer.kind) {
    case 'result': {
      const { tag } = answer;
      if (tag.key !== request.key) return refuse(`got the result of key ${tag.key}`);
      if (tag.payload !== request.payload) return refuse(`got the result of payload ${tag.payload}`);
      const run = world.runOf(tag);
      if (!run || world.groupOf(run.invocation.request) !== world.groupOf(request))
        return refuse(`got run ${tag.run}'s result, not a run of its key`);
      if (run.invocation === invocation) return;
      if (!world.completions.has(run.token)) return refuse(`got run ${tag.run}'s result, which never completed`);
      const first = world.firstReplay.get(run.recordId);
      const now = world.scheduler.now;
      if (first && now + world.toleranceMs < first.until && first.run !== tag.run)
        return refuse(`was replayed run ${tag.run}'s result after run ${first.run}'s`);
      if (!first || now >= first.until) world.firstReplay.set(run.recordId, { run: tag.run, until: untilOf(world, run.token) });
      return;
    }
    case 'in-progress':
      if (answer.retryAfterSeconds === undefined || answer.retryAfterSeconds < 1 || answer.retryAfterSeconds > 5)
        refuse(`got 409 with retry-after ${answer.retryAfterSeconds}`);
      return;
    case 'mismatch':
      if (
        !world.invocations.some(
          (other) => world.groupOf(other.request) === world.groupOf(request) && other.request.payload !== request.payload,
        )
      )
        refuse('got 422 though no request of its key had another payload');
      return;
    case 'store-unavailable':
      if (answer.retryAfterSeconds === undefined) refuse('got 503 without a retry time');
      if (invocation.faults.length === 0) refuse('got 503 though no fault met it');
      return;
    case 'lease-lost':
      if (!invocation.paused && invocation.faults.length === 0) refuse('lost its lease though it was neither paused nor faulted');
      return;
    case 'handler-error':
      if (request.behaviour !== 'throws' && !(request.behaviour === 'not-final' && request.wrapper !== 'http'))
        refuse("got a handler error though its handler doesn't throw");
      return;
    case 'handler-status':
      if (request.behaviour !== 'not-final') refuse(`got status ${answer.statusCode}`);
      return;
    case 'sqs':
      return;
    case 'unexpected':
      return refuse(`got ${answer.detail}`);
  }
}

function untilOf(world: World, token: string): number {
  const expiration = world.completions.get(token) ?? 0;
  return (expiration + 1) * 1000 - world.skewOf(token);
}

/**
 * No record stays in progress past its lease without a live owner: every lease, as claimed or as last renewed,
 * ends with its invocation (its deadline plus `leaseMarginMs`), whatever happens to the owner; a crashed owner's
 * keeper renews nothing more.
 */
export function leaseEndsWithInvocation(world: World, id: string, record: IdempotencyRecord | undefined): void {
  if (record?.status !== 'IN_PROGRESS') return;
  const lease = world.leases.get(record.leaseToken);
  if (!lease) return fail('leaseEndsWithInvocation', `record ${short(id)} is in progress under a token no claim was granted`);
  // An invocation paused past its deadline reads a remaining time of 0: its lease is then the margin from its last write.
  const writtenAt = Math.max(record.createdAt, lease.leaseExpiresAt === record.leaseExpiresAt ? lease.writtenAt : record.createdAt);
  const end = Math.max(lease.owner.deadline + lease.owner.skewMs, writtenAt) + LEASE_MARGIN_MS;
  if (record.leaseExpiresAt > end)
    fail(
      'leaseEndsWithInvocation',
      `${lease.owner.name}'s lease ends ${record.leaseExpiresAt - end} ms after its invocation (plus the margin)`,
    );
}

/** ...and once every lease has ended, a request for each key runs or is answered: never turned away (end of run). */
export function keyFreesAfterLease(probe: Invocation, answer: Answer): void {
  if (answer.kind === 'in-progress')
    fail('keyFreesAfterLease', `${probe.request.wrapper} ${probe.request.key} is still held after every lease ended`);
}

/**
 * A fenced writer (a late invocation after a takeover, a refused duplicate) never changes the record another
 * lease token holds, nor revives a deleted one; the one exception is a claim taking a free key, which
 * `claimsAreExclusive` judges.
 */
export function fencedWriterChangesNothing(call: CallRecord): void {
  if (call.name === 'get' || call.token === undefined) return;
  const { before, after } = call;
  const claimedByCaller = call.name === 'claim' && after?.status === 'IN_PROGRESS' && after.leaseToken === call.token;
  if (!before) {
    if (after && !claimedByCaller)
      fail('fencedWriterChangesNothing', `${call.name} by ${call.invocation?.name} created a record where there was none`);
    return;
  }
  if (before.leaseToken === call.token || claimedByCaller || JSON.stringify(before) === JSON.stringify(after)) return;
  fail(
    'fencedWriterChangesNothing',
    `${call.name} by ${call.invocation?.name} changed a record another lease holds (${before.status} -> ${after?.status ?? 'deleted'})`,
  );
}

/** With atomic completion: a business write exists if and only if its completed record does (or did, before TTL deletion). */
export function businessWritesMatchCompletion(world: World, ledger: readonly LedgerItem[]): void {
  const written = new Set(ledger.map((item) => `${item.pk} ${item.sk}`));
  for (const item of ledger) {
    const run = world.runs[Number(item.sk.replace('run-', '')) - 1];
    if (!run || run.recordId !== item.pk) fail('businessWritesMatchCompletion', `ledger item ${item.sk} belongs to no run of its key`);
    if (!world.completions.has(run.token))
      fail('businessWritesMatchCompletion', `run ${run.id}'s ledger item exists, its completed record never did`);
  }
  for (const run of world.runs) {
    if (run.invocation.request.behaviour !== 'writes' || !world.completions.has(run.token)) continue;
    if (!written.has(`${run.recordId} run-${run.id}`))
      fail('businessWritesMatchCompletion', `run ${run.id}'s record completed without its ledger item`);
  }
}

/**
 * A handler that mutates its event or payload after the claim still completes or releases the record it
 * claimed: every settling write names a claim the invocation holds, on that claim's key...
 */
export function settlesTheRecordItClaimed(call: CallRecord): void {
  const { invocation } = call;
  if (!WRITES(call.name) || !invocation || call.token === undefined) return;
  const claimed = invocation.claims.get(call.token);
  if (claimed === undefined)
    fail('settlesTheRecordItClaimed', `${invocation.name} sent ${call.name} with a lease token it was never granted`);
  if (claimed !== call.id) fail('settlesTheRecordItClaimed', `${invocation.name} sent ${call.name} for another key than it claimed`);
}

/** ...and leaves no record of its own in progress once it answered (unless a fault or a pause got in the way). */
export function answeredClaimIsSettled(invocation: Invocation, record: IdempotencyRecord | undefined): void {
  const claim = invocation.lastClaim;
  if (!claim || invocation.paused || invocation.faults.length > 0) return;
  if (record?.status === 'IN_PROGRESS' && record.leaseToken === claim.token)
    fail('settlesTheRecordItClaimed', `${invocation.name} answered and left its record in progress`);
}

/** A claim whose answer was lost and retried recognises its own lease token: the caller's claim, never a duplicate of itself. */
export function ownClaimRecognised(call: CallRecord): void {
  const answer = call.answer as { claimed?: boolean; existing?: IdempotencyRecord } | undefined;
  if (call.name !== 'claim' || answer?.claimed !== false) return;
  if (answer.existing?.status === 'IN_PROGRESS' && answer.existing.leaseToken === call.token)
    fail('ownClaimRecognised', `${call.invocation?.name}'s claim was refused by its own record`);
}

/** A completion, release or renewal retried after it landed is not reported as fenced (no false fencing alarm). */
export function noFalseFencingAlarm(call: CallRecord): void {
  const answer = call.answer as { completed?: boolean; released?: boolean; renewed?: boolean; reason?: string } | undefined;
  if (!answer || call.token === undefined) return;
  const mine = call.before?.leaseToken === call.token;
  if (
    (call.name === 'complete' || call.name === 'completeWith') &&
    answer.completed === false &&
    answer.reason !== 'condition-failed' &&
    mine
  )
    fail('noFalseFencingAlarm', `${call.invocation?.name}'s ${call.name} was reported fenced on its own record`);
  if (call.name === 'renew' && answer.renewed === false && mine && call.before?.status === 'IN_PROGRESS')
    fail('noFalseFencingAlarm', `${call.invocation?.name}'s renewal was refused on its own claim`);
  if (call.name === 'release' && answer.released === false && (!call.before || mine))
    fail(
      'noFalseFencingAlarm',
      `${call.invocation?.name}'s release was reported fenced on ${call.before ? 'its own record' : 'an absent record'}`,
    );
}

/** The checks made on every store call, in order. */
export const CALL_INVARIANTS: readonly ((world: World, call: CallRecord) => void)[] = [
  claimsAreExclusive,
  (_, call) => fencedWriterChangesNothing(call),
  (_, call) => settlesTheRecordItClaimed(call),
  (_, call) => ownClaimRecognised(call),
  (_, call) => noFalseFencingAlarm(call),
];

/** The checks made on every record after every step. */
export const RECORD_INVARIANTS: readonly ((world: World, id: string, record: IdempotencyRecord | undefined) => void)[] = [
  resultComesFromARun,
  replayedResultNeverChanges,
  leaseEndsWithInvocation,
];

function short(id: string): string {
  return id.slice(0, 8);
}
