import { IdempotencyWriteInvalidError } from '../errors';
import { writeKind } from '../core/business-write';
import type { PendingWrite, WriteConditionFailure } from '../core/store';
import { applyUpdate, meetsCondition, type Doc } from './memory-expression';
import { assertWriteCount, sameItemError } from './transaction-limits';

/** The key attribute names of each table `MemoryStore` may write: `{ ledger: ['pk', 'sk'] }`. */
export type MemoryTableKeys = Readonly<Record<string, readonly string[]>>;

/** The business tables of a `MemoryStore`: items in document form, written all or nothing. */
export class MemoryTables {
  private readonly tables = new Map<string, Map<string, Doc>>();

  constructor(private readonly keys: MemoryTableKeys) {}

  /** Every item of `table`, in insertion order. */
  items(table: string): Doc[] {
    return [...(this.tables.get(table)?.values() ?? [])];
  }

  /**
   * Checks every write's condition against the items as they are; applies them all only if every one holds.
   * Returns the writes whose condition failed (nothing applied), else an empty list (all applied).
   */
  apply(writes: readonly PendingWrite[]): WriteConditionFailure[] {
    const planned = this.check(writes);
    const failures: WriteConditionFailure[] = [];
    planned.forEach(({ table, identity, body }, index) => {
      const current = this.tables.get(table)?.get(identity);
      if (meetsCondition(current, body.ConditionExpression as string | undefined, placeholders(body))) return;
      const item = body.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? current : undefined;
      failures.push({ index, name: writes[index]!.name, code: 'ConditionalCheckFailed', message: 'The conditional request failed', item });
    });
    if (failures.length > 0) return failures;
    for (const { kind, table, identity, key, body } of planned) {
      const rows = this.tables.get(table) ?? this.tables.set(table, new Map()).get(table)!;
      const current = rows.get(identity);
      if (kind === 'Put') rows.set(identity, { ...(body.Item as Doc) });
      else if (kind === 'Delete') rows.delete(identity);
      else if (kind === 'Update')
        rows.set(identity, { ...applyUpdate(current ?? key, body.UpdateExpression as string, placeholders(body)), ...key });
    }
    return [];
  }

  /** Plans the writes, refusing what DynamoDB would refuse: too many, an unknown table or key, two actions on one item. */
  check(writes: readonly PendingWrite[]) {
    assertWriteCount(writes.length);
    const planned = writes.map((write) => this.plan(write));
    const seen = new Map<string, string>();
    planned.forEach(({ table, identity }, index) => {
      const earlier = seen.get(`${table} ${identity}`);
      if (earlier) throw sameItemError(writes[index]!.name, `the write ${earlier}`);
      seen.set(`${table} ${identity}`, writes[index]!.name);
    });
    return planned;
  }

  private plan(write: PendingWrite) {
    const kind = writeKind(write.action);
    const raw = write.action[kind] as unknown as Doc;
    const body: Doc = write.marshalled ? unmarshalledBody(raw) : raw;
    const table = body.TableName as string;
    const keyNames = this.keys[table];
    if (!keyNames)
      throw new IdempotencyWriteInvalidError(
        `MemoryStore does not know the key of table ${table}: pass \`tables: { '${table}': ['pk', …] }\` to it.`,
      );
    const source = (kind === 'Put' ? body.Item : body.Key) as Doc;
    const key = Object.fromEntries(keyNames.map((name) => [name, source[name]]));
    if (keyNames.some((name) => key[name] === undefined))
      throw new IdempotencyWriteInvalidError(
        `The write ${write.name} lacks the key attribute(s) ${keyNames.join(', ')} of table ${table}.`,
      );
    return { kind, table, key, body, identity: JSON.stringify(keyNames.map((name) => key[name])) };
  }
}

function placeholders(body: Doc) {
  return {
    names: body.ExpressionAttributeNames as Record<string, string> | undefined,
    values: body.ExpressionAttributeValues as Doc | undefined,
  };
}

function unmarshalledBody(body: Doc): Doc {
  const out: Doc = { ...body };
  for (const field of ['Item', 'Key', 'ExpressionAttributeValues']) {
    if (body[field] !== undefined)
      out[field] = Object.fromEntries(Object.entries(body[field] as Doc).map(([name, value]) => [name, fromAttributeValue(value)]));
  }
  return out;
}

/** The native value of one attribute value (`{ S: 'x' }` is `'x'`); numbers as JavaScript numbers. */
function fromAttributeValue(value: unknown): unknown {
  const v = value as Record<string, unknown>;
  if ('S' in v) return v.S;
  if ('N' in v) return Number(v.N);
  if ('BOOL' in v) return v.BOOL;
  if ('NULL' in v) return null;
  if ('B' in v) return v.B;
  if ('SS' in v) return new Set(v.SS as string[]);
  if ('NS' in v) return new Set((v.NS as string[]).map(Number));
  if ('L' in v) return (v.L as unknown[]).map(fromAttributeValue);
  if ('M' in v) return Object.fromEntries(Object.entries(v.M as Doc).map(([name, item]) => [name, fromAttributeValue(item)]));
  throw new TypeError(`Not an attribute value: ${JSON.stringify(value)}`);
}
