/**
 * How the records map onto a table: the default table's layout, or an existing (single-table) design's key
 * names, key value templates, TTL attribute and attribute prefix. Shared by the DynamoDB store and the CDK
 * grant, so both derive the same keys; it imports nothing but `schema.ts`, for the CDK app's sake.
 */
import { ATTRIBUTES, PARTITION_KEY, TTL_ATTRIBUTE } from './schema';

/** The placeholder for the hashed record id in `partitionKeyValue` and `sortKeyValue`. */
export const ID_PLACEHOLDER = '{id}';

/**
 * Where the records go in a table that already exists (a single-table design): its key names, how the
 * hashed id maps onto them, its TTL attribute, and a prefix for the library's own attributes.
 * Every field defaults to the layout of the table `IdempotencyTable` makes, so a table of its own needs none.
 */
export interface TableLayoutOptions {
  /**
   * The table's partition key attribute (a string).
   * @default 'id'
   */
  readonly partitionKey?: string;
  /**
   * A record's partition key value: a template in which `{id}` stands for the hashed id, exactly once,
   * so every record has a partition key value of its own (`'IDEMPOTENCY#{id}'`). The text before `{id}`
   * is the prefix the IAM grant is limited to (`dynamodb:LeadingKeys`).
   * @default '{id}'
   */
  readonly partitionKeyValue?: string;
  /**
   * The table's sort key attribute (a string), if the table has one. Requires `sortKeyValue`.
   * @default - the table has no sort key
   */
  readonly sortKey?: string;
  /**
   * A record's sort key value: a fixed string (`'IDEMPOTENCY'`) or a template with `{id}` at most once.
   * @default - the table has no sort key
   */
  readonly sortKeyValue?: string;
  /**
   * The table's TTL attribute (a number, epoch seconds): the records expire on the table's own TTL.
   * @default 'expiration'
   */
  readonly ttlAttribute?: string;
  /**
   * Put before the name of every other attribute the library writes (`status` becomes `idem_status`),
   * so none meets an attribute of the table's own items. Key and TTL attributes are the table's: never prefixed.
   * @default ''
   */
  readonly attributePrefix?: string;
}

/** The option names of `TableLayoutOptions`, for refusing unknown keys. */
export const TABLE_LAYOUT_OPTIONS: readonly (keyof TableLayoutOptions)[] = [
  'partitionKey',
  'partitionKeyValue',
  'sortKey',
  'sortKeyValue',
  'ttlAttribute',
  'attributePrefix',
];

/** A key attribute and the template of its value. */
export interface KeyTemplate {
  /** The attribute name. */
  readonly name: string;
  /** The value, with `{id}` where the hashed id goes. */
  readonly template: string;
}

/** A validated layout: what the store writes and what the grant allows. */
export interface TableLayout {
  readonly partitionKey: KeyTemplate;
  readonly sortKey?: KeyTemplate | undefined;
  /** The attribute name of each role; `id` is the partition key, `expiration` the TTL attribute. */
  readonly attributes: { readonly [role in keyof typeof ATTRIBUTES]: string };
  /** The partition key text before `{id}`: every record's partition key value starts with it. */
  readonly leadingKeyPrefix: string;
}

/** The layout of a table of its own (`IdempotencyTable`): `id`, TTL on `expiration`, no prefix. A literal: nothing to validate. */
export const DEFAULT_TABLE_LAYOUT: TableLayout = Object.freeze({
  partitionKey: Object.freeze({ name: PARTITION_KEY, template: ID_PLACEHOLDER }),
  sortKey: undefined,
  attributes: Object.freeze({ ...ATTRIBUTES }),
  leadingKeyPrefix: '',
});

/** The key attribute values of record `id`, by attribute name. */
export function keyValues(layout: TableLayout, id: string): Record<string, string> {
  const key = { [layout.partitionKey.name]: fill(layout.partitionKey.template, id) };
  if (layout.sortKey) key[layout.sortKey.name] = fill(layout.sortKey.template, id);
  return key;
}

/** The record id inside a partition key value; `undefined` for a value this layout did not write. */
export function idFromPartitionValue(layout: TableLayout, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const [before, after] = layout.partitionKey.template.split(ID_PLACEHOLDER) as [string, string];
  if (value.length <= before.length + after.length || !value.startsWith(before) || !value.endsWith(after)) return undefined;
  return value.slice(before.length, value.length - after.length);
}

/**
 * Applies the defaults and validates, throwing a `TypeError` that names the option. A partition key value
 * without `{id}` is refused: it would put every record of every function on one partition.
 */
export function resolveTableLayout(options: TableLayoutOptions): TableLayout {
  const partitionKey = name('partitionKey', options.partitionKey ?? PARTITION_KEY);
  const partitionKeyValue = text('partitionKeyValue', options.partitionKeyValue ?? ID_PLACEHOLDER);
  const ttlAttribute = name('ttlAttribute', options.ttlAttribute ?? TTL_ATTRIBUTE);
  const prefix = text('attributePrefix', options.attributePrefix ?? '');
  const placeholders = (template: string) => template.split(ID_PLACEHOLDER).length - 1;

  if (placeholders(partitionKeyValue) === 0) {
    throw new TypeError(
      `Expected \`partitionKeyValue\` to contain ${ID_PLACEHOLDER}, got ${show(partitionKeyValue)}: a static partition key value puts ` +
        'every idempotency record on one partition key, which one DynamoDB partition serves (at most 1,000 write units ' +
        'and 3,000 read units a second), so a burst of claims throttles every function using the table, the moment ' +
        `retries are most frequent. Put the id in the partition key ('IDEMPOTENCY#${ID_PLACEHOLDER}') and give the sort key ` +
        "a fixed value (`sortKeyValue: 'IDEMPOTENCY'`).",
    );
  }
  if (placeholders(partitionKeyValue) > 1) {
    throw new TypeError(`Expected \`partitionKeyValue\` to contain ${ID_PLACEHOLDER} once, got ${show(partitionKeyValue)}`);
  }
  let sortKey: KeyTemplate | undefined;
  if (options.sortKey !== undefined || options.sortKeyValue !== undefined) {
    if (options.sortKey === undefined) throw new TypeError('`sortKeyValue` is set without `sortKey`: name the sort key attribute too.');
    if (options.sortKeyValue === undefined) {
      throw new TypeError(
        `\`sortKey\` is set without \`sortKeyValue\`: give it a fixed value ('IDEMPOTENCY') or a template with ${ID_PLACEHOLDER}.`,
      );
    }
    sortKey = { name: name('sortKey', options.sortKey), template: text('sortKeyValue', options.sortKeyValue) };
    if (sortKey.template.length === 0) throw new TypeError('Expected `sortKeyValue` to be non-empty: DynamoDB refuses an empty key value.');
    if (placeholders(sortKey.template) > 1)
      throw new TypeError(`Expected \`sortKeyValue\` to contain ${ID_PLACEHOLDER} at most once, got ${show(sortKey.template)}`);
  }

  const attributes = Object.fromEntries(
    Object.entries(ATTRIBUTES).map(([role, attribute]) => [
      role,
      role === 'id' ? partitionKey : role === 'expiration' ? ttlAttribute : prefix + attribute,
    ]),
  ) as TableLayout['attributes'];
  const claimed = new Map<string, string>();
  for (const [role, attribute] of [
    ['partitionKey', partitionKey],
    ['sortKey', sortKey?.name],
    ['ttlAttribute', ttlAttribute],
  ] as const) {
    if (attribute === undefined) continue;
    if (claimed.has(attribute))
      throw new TypeError(`\`${role}\` and \`${claimed.get(attribute)}\` name the same attribute ${show(attribute)}.`);
    claimed.set(attribute, role);
  }
  for (const [role, attribute] of Object.entries(attributes)) {
    if (role === 'id' || role === 'expiration') continue;
    if (claimed.has(attribute)) {
      throw new TypeError(
        `\`${claimed.get(attribute)}\` ${show(attribute)} is also the name of the library's \`${role}\` attribute: set \`attributePrefix\` (e.g. 'idem_').`,
      );
    }
  }
  return {
    partitionKey: { name: partitionKey, template: partitionKeyValue },
    sortKey,
    attributes,
    leadingKeyPrefix: partitionKeyValue.slice(0, partitionKeyValue.indexOf(ID_PLACEHOLDER)),
  };
}

// A replacer function: a string replacement would read `$&` or `$'` in the id as patterns.
function fill(template: string, id: string): string {
  return template.replace(ID_PLACEHOLDER, () => id);
}

// DynamoDB attribute names: 1 to 255 bytes (key attributes); the library keeps to characters for simplicity.
function name(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) {
    throw new TypeError(`Expected \`${option}\` to be an attribute name of 1 to 255 characters, got ${show(value)}`);
  }
  return value;
}

function text(option: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`Expected \`${option}\` to be a string, got ${show(value)}`);
  return value;
}

// This module imports nothing (the CDK app uses it), so it renders bad values itself.
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}
