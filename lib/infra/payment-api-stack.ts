import { Aws, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IdempotencyTable } from 'lambda-idempotency/cdk';
import { LedgerTable } from './ledger-table';
import { OrderFulfilment } from './order-fulfilment';
import { PaymentFunction } from './payment-function';
import { PaymentHttpApi } from './payment-http-api';
import { PaymentUserPool } from './payment-user-pool';

/** Properties of a {@link PaymentApiStack}. */
export interface PaymentApiStackProps extends StackProps {
  /**
   * What happens to the idempotency and ledger tables on `cdk destroy`. `RETAIN` (with deletion
   * protection) keeps both tables and their records, orphaned: deploying the stack again creates
   * new, empty tables and never reads the old ones. Records stay in use only across in-place
   * updates (`cdk deploy` of the same stack, no table replaced). `DESTROY` (deletion protection
   * off) deletes both with the stack: for a throwaway sandbox.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly tableRemovalPolicy?: RemovalPolicy;
}

/**
 * The deployable example: an HTTP API with a Cognito JWT authorizer in front of the payment
 * function, which keeps its idempotency records and its ledger in two DynamoDB tables.
 * Environment-agnostic: no account or region is needed to synthesize it.
 */
export class PaymentApiStack extends Stack {
  /** The idempotency table. */
  public readonly idempotencyTable: IdempotencyTable;
  /** The ledger table. */
  public readonly ledgerTable: LedgerTable;
  /** The payment function and its log group. */
  public readonly payment: PaymentFunction;
  /** The user pool and app client tokens come from. */
  public readonly users: PaymentUserPool;
  /** The HTTP API. */
  public readonly httpApi: PaymentHttpApi;
  /** The second function: order fulfilment, a durable function behind a dispatcher. */
  public readonly fulfilment: OrderFulfilment;

  constructor(scope: Construct, id: string, props: PaymentApiStackProps = {}) {
    super(scope, id, props);
    const removalPolicy = props.tableRemovalPolicy ?? RemovalPolicy.RETAIN;

    this.idempotencyTable = new IdempotencyTable(this, 'Idempotency', { removalPolicy });
    this.ledgerTable = new LedgerTable(this, 'Ledger', { removalPolicy });
    this.payment = new PaymentFunction(this, 'Payment');
    // Each grant is exactly the actions the code sends, on that one table.
    this.idempotencyTable.grant(this.payment.function);
    this.idempotencyTable.addTableNameTo(this.payment.function);
    this.ledgerTable.grant(this.payment.function);

    this.users = new PaymentUserPool(this, 'Users');
    this.httpApi = new PaymentHttpApi(this, 'Http', {
      handler: this.payment.function,
      userPool: this.users.userPool,
      userPoolClient: this.users.client,
    });

    this.fulfilment = new OrderFulfilment(this, 'Fulfilment');
    this.idempotencyTable.grant(this.fulfilment.function);
    this.idempotencyTable.addTableNameTo(this.fulfilment.function);

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url, description: 'Invoke URL; POST {ApiUrl}payments' });
    new CfnOutput(this, 'IdempotencyTableName', { value: this.idempotencyTable.tableName });
    new CfnOutput(this, 'LedgerTableName', { value: this.ledgerTable.tableName });
    new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.users.client.userPoolClientId });
    new CfnOutput(this, 'Region', { value: Aws.REGION });
  }
}
