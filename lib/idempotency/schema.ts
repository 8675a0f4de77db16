/**
 * The idempotency table's layout: the one source of truth shared by the
 * DynamoDB store (runtime) and the `IdempotencyTable` CDK construct.
 * This module imports nothing, so the CDK app can use it without pulling in the runtime.
 */

/** Partition key (string): the sha256 of operation, caller scope and client key. An existing table maps it (`table-layout.ts`). */
export const PARTITION_KEY = 'id';

/** TTL attribute (number, epoch seconds): when DynamoDB may delete the record. An existing table names its own. */
export const TTL_ATTRIBUTE = 'expiration';

/** Every attribute the store writes, by role, as a table of its own names them (an existing table may prefix them). */
export const ATTRIBUTES = {
  id: PARTITION_KEY,
  expiration: TTL_ATTRIBUTE,
  /** `IN_PROGRESS` or `COMPLETED`. */
  status: 'status',
  /** Random token of the invocation that holds the lease; complete and release are conditioned on it. */
  leaseToken: 'leaseToken',
  /** Epoch milliseconds after which another invocation may take an `IN_PROGRESS` record over. */
  leaseExpiresAt: 'leaseExpiresAt',
  /** sha256 of the request payload, when the caller supplies one. */
  fingerprint: 'fingerprint',
  /** How `result` is stored: `undefined`, `json`, `json-gzip`, `omitted` (too large) or `write-refused` (a stored write refusal). */
  resultEncoding: 'resultEncoding',
  /** The stored result: a string for `json` and `write-refused`, binary for `json-gzip`. */
  result: 'result',
  /** Epoch milliseconds of the first claim. */
  createdAt: 'createdAt',
} as const;

/** The environment variable the CDK construct sets and the examples read for the table name. */
export const TABLE_NAME_ENV = 'IDEMPOTENCY_TABLE_NAME';

/**
 * The environment variable the example stack sets and its function reads for the `operation`: a
 * constant from code, never a generated name, so that keys survive a deploy that replaces the function.
 */
export const OPERATION_ENV = 'IDEMPOTENCY_OPERATION';

/**
 * The item actions the DynamoDB store uses, and so exactly what a function needs:
 * claim (PutItem), wait for / re-read a record (GetItem), complete (UpdateItem), release (DeleteItem).
 */
export const STORE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;
