/**
 * The handler's own writes, committed with its result in one transaction (`idem.write`). The shapes are
 * those of one element of `TransactItems` in the AWS SDK (lib-dynamodb's document form by default, the
 * client's attribute-value form with `marshalled: true`), written here without importing the SDK, so the
 * core stays free of it and either SDK type assigns to them.
 */

import type { WriteConditionFailure } from '../errors';

export type { WriteConditionFailure };

/** Attribute values: native JavaScript values (document form), or `{ S: 'x' }` maps when `marshalled`. */
type Values = Record<string, unknown>;

interface Conditioned {
  readonly TableName?: string | undefined;
  readonly ConditionExpression?: string | undefined;
  readonly ExpressionAttributeNames?: Record<string, string> | undefined;
  readonly ExpressionAttributeValues?: Values | undefined;
  /** `ALL_OLD` puts the item that failed its condition into the error the caller gets. */
  readonly ReturnValuesOnConditionCheckFailure?: string | undefined;
}

/**
 * One write: exactly one of `Put`, `Update`, `Delete`, `ConditionCheck`, as in `TransactWriteItems`. Fields the
 * SDK marks required are optional here too, so a command input (`UpdateCommandInput` less `ReturnValues`)
 * assigns; `idem.write` checks them when it is called.
 */
export interface BusinessWrite {
  readonly Put?: (Conditioned & { readonly Item?: Values | undefined }) | undefined;
  readonly Update?: (Conditioned & { readonly Key?: Values | undefined; readonly UpdateExpression?: string | undefined }) | undefined;
  readonly Delete?: (Conditioned & { readonly Key?: Values | undefined }) | undefined;
  readonly ConditionCheck?: (Conditioned & { readonly Key?: Values | undefined }) | undefined;
}

/** What becomes of the key when one of this write's own conditions fails (the transaction commits nothing). */
export type ConditionFailureRule =
  /** The key is freed: a retry runs the handler again (a balance may have been topped up). */
  | 'release'
  /** The refusal is the key's final answer: every retry gets the same error (an order already shipped). */
  | 'store';

/** Options of one `idem.write`. */
export interface WriteOptions {
  /** The write's name in errors and logs. @default `<Kind> <TableName> (write <n>)` */
  readonly name?: string;
  /** The write is in the client's attribute-value form (`{ S: 'x' }`), not lib-dynamodb's document form. @default false */
  readonly marshalled?: boolean;
  /** What a failure of this write's own condition does to the key. @default 'release' */
  readonly onConditionFailure?: ConditionFailureRule;
}

/** A write as the engine hands it to the store: the action and how to read it. */
export interface PendingWrite {
  readonly action: BusinessWrite;
  readonly name: string;
  readonly marshalled: boolean;
  readonly onConditionFailure: ConditionFailureRule;
}

/** What an atomic completion did. */
export type AtomicCompletionResult =
  /** The writes and the result are stored (or a retry found them stored by this lease token). */
  | { readonly completed: true }
  /** Another invocation holds the key now: nothing was written, its record and data stand. */
  | { readonly completed: false; readonly reason: 'fenced' }
  /** One or more of the handler's own conditions failed: nothing was written. */
  | { readonly completed: false; readonly reason: 'condition-failed'; readonly failures: readonly WriteConditionFailure[] };

const KINDS = ['Put', 'Update', 'Delete', 'ConditionCheck'] as const;

/** The one action a write holds (`Put`, `Update`…), or a `TypeError` naming what is wrong with it. */
export function writeKind(write: BusinessWrite): (typeof KINDS)[number] {
  if (typeof write !== 'object' || write === null)
    throw new TypeError(`Expected a write ({ Put | Update | Delete | ConditionCheck: … }), got ${String(write)}`);
  const kinds = KINDS.filter((kind) => write[kind] !== undefined);
  if (kinds.length !== 1)
    throw new TypeError(
      `Expected a write to hold exactly one of Put, Update, Delete, ConditionCheck, got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}`,
    );
  const kind = kinds[0]!;
  const body = write[kind] as unknown as Record<string, unknown>;
  if (typeof body.TableName !== 'string' || body.TableName.length === 0)
    throw new TypeError(`Expected \`${kind}.TableName\` to be a non-empty string, got ${JSON.stringify(body.TableName)}`);
  const required = kind === 'Put' ? 'Item' : 'Key';
  if (typeof body[required] !== 'object' || body[required] === null)
    throw new TypeError(`Expected \`${kind}.${required}\` to be an object`);
  if (kind === 'Update' && typeof body.UpdateExpression !== 'string')
    throw new TypeError('Expected `Update.UpdateExpression` to be a string');
  if (kind === 'ConditionCheck' && typeof body.ConditionExpression !== 'string')
    throw new TypeError('Expected `ConditionCheck.ConditionExpression` to be a string');
  return kind;
}

/** The table a write goes to. */
export function writeTable(write: BusinessWrite): string {
  return (write[writeKind(write)] as { TableName: string }).TableName;
}
