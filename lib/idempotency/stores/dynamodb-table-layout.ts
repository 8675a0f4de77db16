import { assertKnownOptions, assertOptionsObject } from '../core/validate';
import { resolveTableLayout, TABLE_LAYOUT_OPTIONS, type TableLayout, type TableLayoutOptions } from '../table-layout';

/**
 * The layout capability of `DynamoDbStore`, for a table you already have (a single-table design):
 * `new DynamoDbStore({ tableName, layout: tableLayout({ partitionKey: 'pk', partitionKeyValue: 'IDEMPOTENCY#{id}', … }) })`.
 * Validated here, once, with a `TypeError` that names the option (an unknown one too: a misspelt `ttlAttribute` would
 * leave records that never expire). A capability the handler imports, as `transactions` and `steps` are, so a handler on
 * a table of its own bundles none of the validation. `grantIdempotency` takes the same options.
 */
export function tableLayout(options: TableLayoutOptions): TableLayout {
  assertOptionsObject(options);
  assertKnownOptions(options, TABLE_LAYOUT_OPTIONS, 'tableLayout');
  return Object.freeze(resolveTableLayout(options));
}
