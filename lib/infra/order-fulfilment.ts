import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DurableDispatcher } from 'lambda-idempotency/cdk';
import { FULFILMENT_OPERATION, FULFILMENT_TIMEOUT_SECONDS, PAYMENT_SETTLED } from '../../lambda/fulfilment/fulfilment-settings';

/** The order-fulfilment durable function (exports `handler`). */
export const FULFILMENT_ENTRY = join(__dirname, '..', '..', 'lambda', 'fulfilment', 'index.ts');

/**
 * The example's second function: a durable function that fulfils the order of each settled payment (steps and a
 * wait), behind a dispatcher that EventBridge invokes, so that an event EventBridge retries starts one execution.
 * The caller grants the idempotency table to `function`.
 */
export class OrderFulfilment extends Construct {
  /** The durable function. */
  public readonly function: NodejsFunction;
  /** The alias executions start on (durable executions need a qualified ARN). */
  public readonly alias: lambda.Alias;
  /** The dispatcher EventBridge invokes. */
  public readonly dispatcher: DurableDispatcher;
  /** The rule that sends settled payments to the dispatcher. */
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.function = new NodejsFunction(this, 'Function', {
      entry: FULFILMENT_ENTRY,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      logGroup,
      durableConfig: { executionTimeout: Duration.seconds(FULFILMENT_TIMEOUT_SECONDS), retentionPeriod: Duration.days(14) },
      environment: { NODE_OPTIONS: '--enable-source-maps' },
      bundling: { minify: true, sourceMap: true, target: 'node22', externalModules: ['@aws-sdk/*'], forceDockerBundling: false },
    });
    this.alias = new lambda.Alias(this, 'Live', { aliasName: 'live', version: this.function.currentVersion });
    this.dispatcher = new DurableDispatcher(this, 'Dispatcher', { target: this.alias, scope: FULFILMENT_OPERATION });
    this.rule = new events.Rule(this, 'PaymentSettled', {
      description: 'Settled payments start their order fulfilment, once per event',
      eventPattern: { source: [PAYMENT_SETTLED.source], detailType: [PAYMENT_SETTLED.detailType] },
      targets: [new targets.LambdaFunction(this.dispatcher.function, { retryAttempts: 8, maxEventAge: Duration.hours(24) })],
    });
    Validations.of(this.function.role!).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy]',
      reason:
        "AWS's own policy for durable functions: checkpointing and reading the execution's state, which no narrower resource names before deploy, plus its logs.",
    });
    for (const fn of [this.function, this.dispatcher.function]) {
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions::AwsSolutions-L1',
        reason:
          'Pinned to nodejs22.x on purpose: the bundle targets node22, the durable SDK needs Node 22, and Node.js 22 is maintained until April 2027.',
      });
    }
  }
}
