import type { Context, SQSEvent } from 'aws-lambda';
import {
  hasErrorCode,
  idempotent,
  idempotentHttp,
  idempotentSqs,
  ErrorCode,
  type IdempotencyContext,
  type IdempotencyStore,
} from 'lambda-idempotency';
import { httpEvent } from '../support/api-gateway-fixtures';
import { sqsEvent, sqsRecord } from '../support/sqs-fixtures';
import { writeLedger } from './engine-adapter';
import type { Answer, Invocation, Run } from './model';
import { processTimer, step } from './scheduling-store';
import { LEASE_MARGIN_MS, type RequestSpec } from './scenario';
import type { World } from './world';
import { tagOf } from './invariants';

/** A Lambda container: one invocation at a time, its own clock skew, its own warm cache, its own wrapped handlers. */
export interface Container {
  readonly index: number;
  readonly skewMs: number;
  current: Invocation | undefined;
  readonly handlers: {
    readonly event: (event: { key: string; payload: string }, context: Context) => Promise<unknown>;
    readonly http: (event: ReturnType<typeof httpEvent>, context: Context) => Promise<unknown>;
    readonly sqs: (event: SQSEvent, context: Context) => Promise<unknown>;
  };
}

const silent = { warn: () => undefined, info: () => undefined, error: () => undefined, debug: () => undefined };

/** A container whose wrappers call `store` (the scheduling store) and read the virtual clock through its skew. */
export function newContainer(world: World, index: number, store: IdempotencyStore, operation: string): Container {
  const { scheduler, scenario } = world;
  const skewMs = scenario.maxSkewMs === 0 ? 0 : scheduler.choices.between(-scenario.maxSkewMs, scenario.maxSkewMs);
  const container: Container = { index, skewMs, current: undefined, handlers: undefined! };
  const engine = {
    store,
    operation,
    expiresAfterSeconds: scenario.expiresAfterSeconds,
    leaseMarginMs: LEASE_MARGIN_MS,
    inFlightWaitMs: scenario.inFlightWaitMs,
    localCache: scenario.localCache,
    logger: silent,
    metrics: false,
    now: () => scheduler.now + skewMs,
    sleep: (ms: number) => sleepOn(world, container.current, ms),
    random: () => scheduler.choices.int(1000) / 1000,
    ...(scenario.leaseSliceMs === undefined ? {} : { leaseSliceMs: scenario.leaseSliceMs }),
    // The lease keeper waits on the virtual clock, as a timer of the process it runs in (a crash stops it).
    leaseTimer: (ms: number, signal: AbortSignal) => leaseTimerOn(world, container.current, ms, signal),
  };
  const handler = (idem: IdempotencyContext, mutate: () => void) => runHandler(world, container, idem, mutate);
  (container as { handlers: Container['handlers'] }).handlers = {
    event: idempotent((event, _context, idem) => handler(idem, () => Object.assign(event, { key: 'mutated', payload: 'mutated' })), {
      ...engine,
      key: (event) => event.key,
      fingerprint: (event) => event.payload,
    }),
    http: idempotentHttp(
      (event, _context, idem) =>
        handler(idem, () => {
          event.headers['idempotency-key'] = 'mutated';
          event.body = '{"payload":"mutated"}';
        }).then((tag) => ({ statusCode: container.current?.request.behaviour === 'not-final' ? 500 : 200, body: JSON.stringify(tag) })),
      engine,
    ),
    sqs: idempotentSqs(
      (record, _context, idem) =>
        handler(idem, () => {
          record.messageId = 'mutated';
          record.body = 'mutated';
        }).then((tag) => {
          if (container.current?.request.behaviour === 'not-final') throw new Error('not final');
          return tag;
        }),
      { ...engine, key: (record) => JSON.parse(record.body).key, fingerprint: (record) => JSON.parse(record.body).payload },
    ),
  };
  return container;
}

function sleepOn(world: World, invocation: Invocation | undefined, ms: number): Promise<void> {
  return new Promise((resolve) => {
    processTimer(world, invocation, `${invocation?.name ?? '-'} sleep ${Math.round(ms)}`, world.scheduler.now + ms, async () => resolve());
  });
}

/** The engine's `leaseTimer`: resolves at `ms` on the virtual clock, or at once (its timer cancelled) when `signal` aborts. */
function leaseTimerOn(world: World, invocation: Invocation | undefined, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const label = `${invocation?.name ?? '-'} lease keeper waits ${Math.round(ms)}`;
    const cancel = processTimer(world, invocation, label, world.scheduler.now + ms, async () => resolve());
    signal.addEventListener(
      'abort',
      () => {
        cancel();
        resolve();
      },
      { once: true },
    );
  });
}

/** The simulated handler: one downstream charge (a scheduling point), then what its request's behaviour says. */
async function runHandler(world: World, container: Container, idem: IdempotencyContext, mutate: () => void) {
  const invocation = container.current!;
  const { request } = invocation;
  const claim = invocation.lastClaim;
  const run: Run = {
    id: world.runs.length + 1,
    invocation,
    recordId: idem.key ?? '',
    token: claim?.token ?? '',
    downstreamKey: idem.downstreamKey('charge'),
  };
  world.runs.push(run);
  world.scheduler.note(`${invocation.name} runs its handler (run ${run.id})`);
  if (claim?.id !== idem.key) world.scheduler.note(`${invocation.name}: idem.key is not the key it claimed`);
  // Long work (on the virtual clock) is where the lease keeper renews, and where Lambda's deadline may stop the run.
  if (request.workMs) await sleepOn(world, invocation, request.workMs);
  await new Promise<void>((resolve) =>
    world.scheduler.call(invocation, `${invocation.name} handler charge`, () =>
      step(world, invocation, 'handler', `${invocation.name} handler charge`, async () => resolve()),
    ),
  );
  const tag = { key: request.key, payload: request.payload, run: run.id };
  if (request.behaviour === 'throws' || (request.behaviour === 'not-final' && request.wrapper === 'event'))
    throw new Error('the handler failed');
  if (request.behaviour === 'mutates') mutate();
  if (request.behaviour === 'writes') writeLedger(idem, world.target.ledgerTable, `run-${run.id}`);
  run.returned = tag;
  return tag;
}

/** Starts `request` in `container` as a new invocation; its answer is kept for the invariants. */
export function invoke(world: World, container: Container, request: RequestSpec, onAnswer: (invocation: Invocation) => void): Invocation {
  const { scheduler } = world;
  const invocation: Invocation = {
    name: `r${request.index}@c${container.index}`,
    crashed: false,
    request,
    skewMs: container.skewMs,
    startedAt: scheduler.now,
    deadline: scheduler.now + request.timeoutMs,
    paused: false,
    claims: new Map(),
    faults: [],
    calls: new Map(),
  };
  world.invocations.push(invocation);
  container.current = invocation;
  scheduler.note(`${invocation.name} starts: ${request.wrapper} key ${request.key} payload ${request.payload} (${request.behaviour})`);
  const context = {
    awsRequestId: `request-${request.index}`,
    functionName: 'simulated',
    getRemainingTimeInMillis: () => invocation.deadline - scheduler.now,
  } as unknown as Context;
  const payload = { key: request.key, payload: request.payload };
  const answered = (answer: Answer) => {
    if (invocation.crashed) return;
    invocation.answer = answer;
    scheduler.note(`${invocation.name} answered ${describeAnswer(answer)}`);
    onAnswer(invocation);
  };
  let pending: Promise<Answer>;
  if (request.wrapper === 'event') pending = container.handlers.event(payload, context).then(resultAnswer, eventError);
  else if (request.wrapper === 'http') {
    const event = httpEvent({
      headers: [
        ['Idempotency-Key', request.key],
        ['Content-Type', 'application/json'],
      ],
      body: JSON.stringify(payload),
    });
    pending = container.handlers.http(event, context).then(httpAnswer, eventError);
  } else {
    const event = sqsEvent([sqsRecord(payload, { messageId: `m${request.index}` })]);
    pending = container.handlers
      .sqs(event, context)
      .then(
        (response) => ({ kind: 'sqs', failed: (response as { batchItemFailures: unknown[] }).batchItemFailures.length > 0 }) as Answer,
        eventError,
      );
  }
  void pending.then(answered);
  return invocation;
}

function resultAnswer(value: unknown): Answer {
  const tag = tagOf(value);
  return tag
    ? { kind: 'result', tag, replayed: undefined }
    : { kind: 'unexpected', detail: `a result without a tag: ${JSON.stringify(value)}` };
}

function eventError(error: unknown): Answer {
  if (hasErrorCode(error, ErrorCode.inProgress))
    return { kind: 'in-progress', retryAfterSeconds: (error as { retryAfterSeconds: number }).retryAfterSeconds };
  if (hasErrorCode(error, ErrorCode.payloadMismatch)) return { kind: 'mismatch' };
  if (hasErrorCode(error, ErrorCode.storeFailure)) return { kind: 'store-unavailable', retryAfterSeconds: 2 };
  if (hasErrorCode(error, ErrorCode.leaseLost)) return { kind: 'lease-lost' };
  if (error instanceof Error && error.message === 'the handler failed') return { kind: 'handler-error' };
  return { kind: 'unexpected', detail: `an error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
}

function httpAnswer(response: unknown): Answer {
  const { statusCode, headers = {}, body } = response as { statusCode: number; headers?: Record<string, string>; body?: string };
  const retryAfter = headers['Retry-After'] === undefined ? undefined : Number(headers['Retry-After']);
  const problemType = (body && (JSON.parse(body) as { type?: string }).type) || '';
  if (statusCode === 200) {
    const tag = tagOf(response);
    return tag
      ? { kind: 'result', tag, replayed: headers['Idempotent-Replayed'] === 'true' }
      : { kind: 'unexpected', detail: `200 without a tag` };
  }
  if (statusCode === 409 && problemType.endsWith('request-in-progress')) return { kind: 'in-progress', retryAfterSeconds: retryAfter };
  if (statusCode === 409 && problemType.endsWith('idempotency-lease-lost')) return { kind: 'lease-lost' };
  if (statusCode === 422) return { kind: 'mismatch' };
  if (statusCode === 503) return { kind: 'store-unavailable', retryAfterSeconds: retryAfter };
  if (statusCode === 500 && tagOf(response)) return { kind: 'handler-status', statusCode };
  return { kind: 'unexpected', detail: `HTTP ${statusCode} ${problemType}` };
}

/** An answer in a trace line. */
export function describeAnswer(answer: Answer): string {
  switch (answer.kind) {
    case 'result':
      return `run ${answer.tag.run}'s result${answer.replayed ? ' (replayed)' : ''}`;
    case 'in-progress':
      return `in progress (retry after ${answer.retryAfterSeconds} s)`;
    case 'store-unavailable':
      return 'store unavailable (503)';
    case 'handler-status':
      return `its own ${answer.statusCode}`;
    case 'sqs':
      return answer.failed ? 'SQS: record failed' : 'SQS: record done';
    case 'unexpected':
      return `UNEXPECTED ${answer.detail}`;
    default:
      return answer.kind;
  }
}
