import { randomUUID } from 'node:crypto';
import type { IdempotencyStoreError } from '../../errors';
import { expirationFrom, settleDeadline, SETTLE_RETRY_DELAYS_MS } from '../backoff';
import type { PendingWrite } from '../business-write';
import { remainingTimeMs, type InvocationClock } from '../lease';
import type { LocalCache } from '../local-cache';
import type { ResolvedEngineOptions } from '../options';
import type { Claim, Settled } from '../outcome';
import { encodeWithCodec } from '../codec-port';
import { encodeForStore } from '../result-codec';
import type { LeaseKeeper } from '../lease-keeper';
import { downstreamKey } from '../scoped-key';
import { NO_STEPS, type StepFunction } from '../steps/step-function';
import type { CompleteRequest, EncodedResult } from '../store';
import type { InvocationTelemetry } from '../telemetry';
import { completionVerdict, type Verdict } from './settlement-verdict';
import { writeCollector } from './write-collector';

/** What a held claim needs from the invocation that holds it. */
export interface ClaimHolder {
  readonly options: ResolvedEngineOptions;
  readonly cache: LocalCache;
  readonly telemetry: InvocationTelemetry;
  readonly context: InvocationClock | undefined;
  /** Wraps a store failure as this invocation's store fault (adapters answer it as such): "Could not <what>: …". */
  readonly storeFault: (what: string, error: unknown) => IdempotencyStoreError;
}

/** A fresh lease token: what fences one claim's writes from every other's. */
export const newLeaseToken = (): string => randomUUID();

const COMPLETED: Settled = Object.freeze({ kind: 'completed' });

/**
 * The settlement of a claim, exactly once: complete (with the handler's writes, if any) or release. Each decision
 * is a pure `Verdict`; `send` writes it. The handler has run by then, so a store fault on a plain completion or a
 * release is logged and counted, not thrown (unless `throwSettleFaults`): its caller gets its answer. A commit's
 * fault is thrown, since the handler's writes may or may not have landed.
 */
export function heldClaim(
  id: string,
  leaseToken: string,
  fingerprint: string | undefined,
  holder: ClaimHolder,
  keeper: LeaseKeeper,
  step: StepFunction = (holder.options.store.capabilities?.stepRunner ?? NO_STEPS)(id, fingerprint, holder),
  /**
   * Whether a store fault on a plain completion or a release is thrown (the store's error, unwrapped) once the
   * retries are spent, leaving the claim unsettled for its owner to settle again: a durable execution's claim, whose
   * lease is the execution's (the SDK retries the step). Otherwise it is logged: an invocation's lease ends soon.
   */
  throwSettleFaults = false,
): Claim {
  const { options, telemetry, cache } = holder;
  const { store, now } = options;
  const fields = { idempotencyKey: id };
  const writes: PendingWrite[] = [];
  let settled = false;
  const once = (what: string) => {
    if (settled) throw new Error(`The claim was already settled; cannot ${what} it again.`);
    settled = true;
    keeper.stop();
  };
  const remember = (request: CompleteRequest, createdAt: number) => {
    if (request.result.encoding !== 'omitted') cache.set({ ...request, status: 'COMPLETED', fingerprint, createdAt });
  };

  /** The one sender: writes what `verdict` says, retried while the invocation has time to spare. */
  const send = async (verdict: Verdict): Promise<Settled> => {
    // The commit comes with the store that commits writes (`capabilities`: the write collector checked it), so a
    // handler whose store cannot bundles none of it; it answers through this sender's retries, completion and release.
    if (verdict.send === 'commit')
      return store.capabilities!.commitWrites!(verdict.request, verdict.writes, {
        store,
        telemetry,
        fields,
        retried: (write, retryable) => retried(write, holder, retryable),
        complete: (request) => send({ send: 'complete', request }),
        release: (reason) => send({ send: 'release', reason }),
        remember: (request) => remember(request, now()),
        storeFault: holder.storeFault,
        reopen: () => {
          if (throwSettleFaults) settled = false;
        },
      });
    const write: () => Promise<{ completed?: boolean; released?: boolean }> =
      verdict.send === 'complete' ? () => store.complete(verdict.request) : () => store.release(id, leaseToken);
    const step = verdict.send === 'complete' ? 'completion' : 'release';
    try {
      const answer = await retried(write, holder);
      if (!(answer.completed ?? answer.released)) telemetry.event('fenced', { ...fields, step });
      else if (verdict.send === 'release') telemetry.event('released', { ...fields, reason: verdict.reason });
      else if (verdict.request.result.encoding === 'omitted') telemetry.event('notStored', fields);
      else {
        telemetry.event('stored', fields);
        remember(verdict.request, now());
      }
    } catch (error) {
      telemetry.event(verdict.send === 'complete' ? 'completeFailed' : 'releaseFailed', { ...fields, error: String(error) });
      if (throwSettleFaults) {
        settled = false;
        throw error;
      }
    }
    return COMPLETED;
  };

  return {
    idem: {
      key: id,
      downstreamKey: (name) => downstreamKey(id, name),
      write: writeCollector(id, store, writes, () => settled),
      step,
      get signal() {
        return keeper.signal;
      },
      get leaseLost() {
        return keeper.signal.aborted;
      },
    },
    writes: () => writes,
    complete: async (result) => {
      once('complete');
      // A codec that fails (a KMS throttle) is a result that cannot be stored, as one too large: the handler's side
      // effects happened, so the key completes without its result (with the handler's writes) and a duplicate, one
      // already waiting included, is told so instead of running again. Releasing would charge twice.
      const coded = await encodeWithCodec(options.codec, result, id, telemetry);
      const encoded: EncodedResult = coded
        ? encodeForStore(coded.value, store.maxResultBytes, (error) =>
            telemetry.event('notSerialisable', { ...fields, error: String(error) }),
          )
        : { encoding: 'omitted' };
      return send(completionVerdict(id, leaseToken, encoded, expirationFrom(now(), options.expiresAfterSeconds), writes));
    },
    release: async (reason) => {
      once('release');
      await send({ send: 'release', reason });
    },
  };
}

/**
 * Completion and release are the writes that free a key once the handler has run; a transient fault
 * there (past the SDK's own retries) would hold the key until its lease ends. So they are tried again,
 * backing off, while the invocation has that time to spare (less `leaseMarginMs`).
 */
async function retried<T>(write: () => Promise<T>, holder: ClaimHolder, retryable: (error: unknown) => boolean = () => true): Promise<T> {
  const { now, sleep, leaseMarginMs } = holder.options;
  const deadline = settleDeadline(now(), remainingTimeMs(holder.context), leaseMarginMs);
  for (const delay of SETTLE_RETRY_DELAYS_MS) {
    try {
      return await write();
    } catch (error) {
      if (!retryable(error) || now() + delay >= deadline) throw error;
      await sleep(delay);
    }
  }
  return write();
}
