import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { assertKnownOptions } from '../idempotency/core/validate';
import { STORE_ACTIONS } from '../idempotency/schema';
import { resolveTableLayout, TABLE_LAYOUT_OPTIONS, type TableLayout, type TableLayoutOptions } from '../idempotency/table-layout';

/** Options of {@link grantIdempotency}: the same layout the function's `DynamoDbStore` is given. */
export type IdempotencyGrantOptions = TableLayoutOptions;

/**
 * Lets `grantee` keep idempotency records in a table it shares with business items (a single-table design),
 * and nothing more: the four item actions the store sends (`STORE_ACTIONS`), on the table's ARN, only for
 * partition key values that start with the layout's prefix (`dynamodb:LeadingKeys`, the text before `{id}`
 * in `partitionKeyValue`). Pick a prefix no business item uses (`IDEMPOTENCY#`): through this grant the
 * function can neither read nor write any item outside it. A customer-managed key, if the table has one,
 * is granted for encrypt and decrypt, as the table's own grants do.
 *
 * For a table of its own, `IdempotencyTable.grant(fn)` is simpler: there the whole table is the records'.
 */
export function grantIdempotency(table: dynamodb.ITable, grantee: iam.IGrantable, options: IdempotencyGrantOptions): iam.Grant {
  // A misspelt option would silently grant the default layout: refused as the store refuses it.
  assertKnownOptions(options, TABLE_LAYOUT_OPTIONS, 'grantIdempotency');
  const layout = resolveTableLayout(options);
  const fail = (message: string): never => {
    throw new Error(`${table.node.path}: grantIdempotency: ${message}`);
  };
  const prefix = layout.leadingKeyPrefix;
  if (prefix.length === 0) {
    fail(
      `\`partitionKeyValue\` ${JSON.stringify(layout.partitionKey.template)} starts with {id}, so no prefix sets the idempotency items apart ` +
        "from the table's own: give it one no business item uses ('IDEMPOTENCY#{id}'), or use a table of its own (`IdempotencyTable.grant`).",
    );
  }
  // In StringLike, * and ? are wildcards and ${ starts a policy variable: such a prefix would allow more than it says.
  if (/[*?$]/.test(prefix))
    fail(
      `the partition key prefix ${JSON.stringify(prefix)} contains *, ? or $, which IAM reads as wildcards or variables: choose one without.`,
    );
  assertTableFits(table, layout, fail);

  table.encryptionKey?.grantEncryptDecrypt(grantee);
  return iam.Grant.addToPrincipal({
    grantee,
    actions: [...STORE_ACTIONS],
    resourceArns: [table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}*`] } },
  });
}

interface TableShape {
  readonly keySchema?: { attributeName: string; keyType: string }[];
  readonly timeToLiveSpecification?: { attributeName?: string; enabled?: boolean };
}

/**
 * For a table defined in this app, the layout must name its key attributes and its TTL attribute: otherwise
 * every request fails (a wrong key), or the records never expire (a wrong TTL name). Imported tables are not checked.
 */
function assertTableFits(table: dynamodb.ITable, layout: TableLayout, fail: (message: string) => never): void {
  const resource = table.node.defaultChild as TableShape | undefined;
  if (!resource || !('keySchema' in resource)) return;
  const stack = Stack.of(table);
  const keySchema = stack.resolve(resource.keySchema) as TableShape['keySchema'];
  const ttl = stack.resolve(resource.timeToLiveSpecification) as TableShape['timeToLiveSpecification'];
  const keyName = (type: string) => keySchema?.find((key) => key.keyType === type)?.attributeName;
  const expected = { partitionKey: layout.partitionKey.name, sortKey: layout.sortKey?.name };
  const actual = { partitionKey: keyName('HASH'), sortKey: keyName('RANGE') };
  if (actual.partitionKey !== expected.partitionKey || actual.sortKey !== expected.sortKey) {
    fail(
      `the layout's keys ${JSON.stringify(expected)} are not the table's ${JSON.stringify(actual)}: set \`partitionKey\` and \`sortKey\` to the table's.`,
    );
  }
  if (ttl?.enabled && ttl.attributeName !== layout.attributes.expiration) {
    fail(
      `the table's TTL attribute is ${JSON.stringify(ttl.attributeName)}, the layout's ${JSON.stringify(layout.attributes.expiration)}: records would never expire. Set \`ttlAttribute\`.`,
    );
  }
}
