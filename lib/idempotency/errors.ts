/**
 * Errors the library raises. Match on `code`, not `instanceof`: two copies of the
 * library in one bundle each have their own classes, but the codes are stable strings.
 * A leaf: it imports nothing, so every layer may use it.
 */

/** One of the handler's writes whose condition failed, so the transaction committed nothing. */
export interface WriteConditionFailure {
  /** Its position among the handler's writes, from 0. */
  readonly index: number;
  /** Its name (`WriteOptions.name`). */
  readonly name: string;
  /** DynamoDB's cancellation code, `ConditionalCheckFailed`. */
  readonly code: string;
  readonly message?: string | undefined;
  /** The item as it was, in document form, when the write asked for `ALL_OLD`. */
  readonly item?: Record<string, unknown> | undefined;
}

/** Stable codes of every error the library raises. */
export const ErrorCode = {
  keyMissing: 'IDEMPOTENCY_KEY_MISSING',
  keyInvalid: 'IDEMPOTENCY_KEY_INVALID',
  inProgress: 'IDEMPOTENCY_IN_PROGRESS',
  payloadMismatch: 'IDEMPOTENCY_PAYLOAD_MISMATCH',
  resultUnavailable: 'IDEMPOTENCY_RESULT_UNAVAILABLE',
  storeFailure: 'IDEMPOTENCY_STORE_FAILURE',
  writeConditionFailed: 'IDEMPOTENCY_WRITE_CONDITION_FAILED',
  writeInvalid: 'IDEMPOTENCY_WRITE_INVALID',
  leaseLost: 'IDEMPOTENCY_LEASE_LOST',
  resultUndecodable: 'IDEMPOTENCY_RESULT_UNDECODABLE',
  stepInvalid: 'IDEMPOTENCY_STEP_INVALID',
} as const;

/** One of the stable error codes. */
export type IdempotencyErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every error the library raises. */
export class IdempotencyError extends Error {
  /** A stable string to match on (`IDEMPOTENCY_…`). */
  readonly code: IdempotencyErrorCode;

  constructor(code: IdempotencyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The event carries no idempotency key and the options require one. */
export class IdempotencyKeyMissingError extends IdempotencyError {
  constructor(message = 'The request carries no idempotency key.') {
    super(ErrorCode.keyMissing, message);
  }
}

/** The idempotency key is empty, too long or has characters that are not allowed. */
export class IdempotencyKeyInvalidError extends IdempotencyError {
  constructor(message: string) {
    super(ErrorCode.keyInvalid, message);
  }
}

/** Another invocation holds the key and did not finish within the wait. Retry after `retryAfterSeconds`. */
export class IdempotencyInProgressError extends IdempotencyError {
  /** Seconds after which a retry is likely to find the first result. */
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super(ErrorCode.inProgress, 'A request with this idempotency key is still in progress.');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The key was used before with a different payload; nothing ran. */
export class IdempotencyPayloadMismatchError extends IdempotencyError {
  constructor() {
    super(ErrorCode.payloadMismatch, 'This idempotency key was already used with a different payload.');
  }
}

/**
 * The key completed, but its result could not be stored (larger than the store's item limit even
 * compressed), so it cannot be replayed. The handler is not run again.
 */
export class IdempotencyResultUnavailableError extends IdempotencyError {
  constructor() {
    super(
      ErrorCode.resultUnavailable,
      'A request with this idempotency key already completed, but its result could not be stored (too large, or its codec failed) and cannot be replayed.',
    );
  }
}

/** The store failed (throttling, timeout, 5xx, network). `cause` holds the SDK error. */
export class IdempotencyStoreError extends IdempotencyError {
  constructor(message: string, cause: unknown) {
    super(ErrorCode.storeFailure, message, { cause });
  }
}

/**
 * One of the handler's own write conditions failed (`idem.write`), so the transaction committed nothing:
 * neither the writes nor the result. `failures` names each failed write; `write` is the first one's name.
 */
export class IdempotencyWriteConditionError extends IdempotencyError {
  /** The first failed write's name. */
  readonly write: string;
  /** Every failed write, in the order they were written. */
  readonly failures: readonly WriteConditionFailure[];

  constructor(failures: readonly WriteConditionFailure[]) {
    const names = failures.map((failure) => failure.name);
    super(
      ErrorCode.writeConditionFailed,
      `The condition of ${names.length === 1 ? 'the write' : 'the writes'} ${names.join(', ')} failed; nothing was written.`,
    );
    this.write = names[0] ?? '';
    this.failures = failures;
  }
}

/** The handler's writes cannot be sent as they are (a limit, a store without transactions); nothing was written. */
export class IdempotencyWriteInvalidError extends IdempotencyError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.writeInvalid, message, { cause });
  }
}

/**
 * The lease ran out and another invocation took the key over before this one committed its writes: nothing of
 * this invocation was written, the new owner's record and data stand. A retry gets the new owner's answer.
 */
export class IdempotencyLeaseLostError extends IdempotencyError {
  constructor(
    message = "The lease on this idempotency key was taken over by another invocation before the writes were committed; nothing was written, and the other invocation's result stands.",
  ) {
    super(ErrorCode.leaseLost, message);
  }
}

/**
 * The key completed and its result is stored, but the result codec cannot read it back: a missing or wrong
 * decryption key, a record moved to another id, a tampered or unknown format. Nothing runs again (that would
 * repeat the side effect); the request fails until the codec can read the record or the record expires.
 * `cause` holds the codec's error.
 */
export class IdempotencyResultUndecodableError extends IdempotencyError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.resultUndecodable, message, { cause });
  }
}

/** True when `error` is an `IdempotencyError` with the given code, across library copies. */
export function hasErrorCode(error: unknown, code: IdempotencyErrorCode): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/**
 * A step of `idem.step` that cannot be a recovery point: its name repeats one of this request's, or its result is
 * not JSON or larger than the store (or a durable checkpoint) holds. Nothing of it was stored; the request fails
 * and its key is released.
 */
export class IdempotencyStepInvalidError extends IdempotencyError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.stepInvalid, message, { cause });
  }
}
