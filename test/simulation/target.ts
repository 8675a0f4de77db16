import type { IdempotencyRecord, IdempotencyStore } from 'lambda-idempotency';
import type { LedgerItem } from './engine-adapter';

/** The store kinds a simulation runs on. */
export type StoreKind = 'memory' | 'dynamodb' | 'redis';

/**
 * One run's store: the real store the engine calls (through the scheduling store), and what the simulator
 * needs to watch it without going through the schedule.
 */
export interface StoreTarget {
  readonly kind: StoreKind;
  /** Names this run's operation, so its record ids never meet another run's in a shared server. */
  readonly namespace: string;
  /** The store the engine talks to (wrapped by the schedule, and perhaps by a mutant). */
  readonly store: IdempotencyStore;
  /** Reads a record outside the schedule (an observer's strongly consistent read). */
  read(id: string): Promise<IdempotencyRecord | undefined>;
  /** Whether the store commits the handler's writes with the result. */
  readonly atomicCompletion: boolean;
  /** The ledger table the handler writes to. */
  readonly ledgerTable: string;
  /** The ledger items of `ids`. */
  ledger(ids: ReadonlySet<string>): Promise<LedgerItem[]>;
  /** Where faults are made on the wire (real engines behind a fault proxy); otherwise they are emulated at the port. */
  readonly wire?: WireFaults | undefined;
  /** TTL deletion of `id` if it has expired by `nowMs`; whether it was deleted. */
  expire(id: string, nowMs: number): Promise<boolean>;
}

/**
 * Faults made on the wire by the fault proxies in front of a real server, instead of emulated at the store port:
 * the real client meets a reset connection and retries (or gives up) by itself.
 */
export interface WireFaults {
  /** Sends the call with its first answer lost on the wire: the client's own retry brings the answer. */
  answerLostRetried(call: string, send: () => Promise<unknown>): Promise<unknown>;
  /** Sends the call while the server is out of reach; resolves with the error the client gives up with. */
  neverLands(send: () => Promise<unknown>): Promise<unknown>;
}

/** Makes a fresh target per run (a fresh memory store, or fresh keys in a shared server). */
export interface TargetFactory {
  readonly kind: StoreKind;
  /** A target for one run; `namespace` keeps its keys apart from every other run's. */
  open(namespace: string): Promise<StoreTarget>;
  close(): Promise<void>;
}
