import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LEDGER_ACTIONS, LEDGER_PARTITION_KEY, LEDGER_SORT_KEY, LEDGER_TABLE_NAME_ENV } from '../../lambda/payment/ledger-schema';

/** Properties of a {@link LedgerTable}. */
export interface LedgerTableProps {
  /**
   * What happens to the table when it leaves the stack: it holds the payments, so it is kept,
   * orphaned (a new stack makes a new table; see `IdempotencyTableProps.removalPolicy`). With
   * `DESTROY`, deletion protection is off and the table goes with the stack.
   *
   * @default RemovalPolicy.RETAIN, with deletion protection
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The example payment function's ledger: a single table keyed `pk`/`sk` (strings) as
 * `lambda/payment/ledger-schema.ts` lays it out. On-demand, point-in-time recovery, AWS-managed
 * encryption, deletion protection; no TTL, since payments are records to keep.
 */
export class LedgerTable extends Construct {
  /** The underlying table. */
  public readonly table: dynamodb.TableV2;

  /** The table's name (`LEDGER_TABLE_NAME`). */
  public readonly tableName: string;

  constructor(scope: Construct, id: string, props: LedgerTableProps = {}) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: LEDGER_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: LEDGER_SORT_KEY, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.tableName = this.table.tableName;
  }

  /**
   * Exactly the ledger actions the payment function sends (`LEDGER_ACTIONS`: GetItem, PutItem,
   * UpdateItem, Query) on this table's ARN, and the `LEDGER_TABLE_NAME` environment variable.
   */
  public grant(fn: lambda.Function): iam.Grant {
    fn.addEnvironment(LEDGER_TABLE_NAME_ENV, this.tableName);
    return iam.Grant.addToPrincipal({
      grantee: fn,
      actions: [...LEDGER_ACTIONS],
      resourceArns: [this.table.tableArn],
    });
  }
}
