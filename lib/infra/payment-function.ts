import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PAYMENT_OPERATION } from '../../lambda/payment/payment-operation';
import { OPERATION_ENV } from 'lambda-idempotency/cdk';

/** The example payment handler (exports `handler`). */
export const PAYMENT_ENTRY = join(__dirname, '..', '..', 'lambda', 'payment', 'index.ts');

/** Properties of a {@link PaymentFunction}. */
export interface PaymentFunctionProps {
  /**
   * How long the function's logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The payment function, bundled by the local esbuild (no Docker), with its own log group and a
 * role that can write to that log group and nothing else until the tables grant it more.
 */
export class PaymentFunction extends Construct {
  /** The function. */
  public readonly function: NodejsFunction;

  /** Where the function logs. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PaymentFunctionProps = {}) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      // Logs are diagnostics, not records: they go with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of the default one: AWSLambdaBasicExecutionRole lets the function
    // create any log group and write to every log group in the account.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Payment function: its own log group, plus what the tables grant',
    });
    // CreateLogStream and PutLogEvents on this log group's ARN, which ends in `:*`: its streams, nothing else.
    this.logGroup.grantWrite(role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: PAYMENT_ENTRY,
      handler: 'handler',
      // Pinned rather than NODEJS_LATEST: the bundle targets node22 and the project tests on 20/22.
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // Below API Gateway's 30 s integration timeout, so the client gets the function's answer, not a
      // 504 while it still runs. The idempotency lease (remaining time plus a margin) ends soon after
      // a timed-out invocation, so a retry can take over.
      timeout: Duration.seconds(10),
      role,
      logGroup: this.logGroup,
      // The idempotency operation is a constant: keys must outlive a deploy that replaces the function.
      environment: { NODE_OPTIONS: '--enable-source-maps', [OPERATION_ENV]: PAYMENT_OPERATION },
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node22',
        // The runtime ships AWS SDK v3; bundling our own copy only adds cold-start weight.
        externalModules: ['@aws-sdk/*'],
        forceDockerBundling: false,
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        "Pinned to nodejs22.x on purpose: the bundle targets node22 and the project is tested on Node 20/22; Node.js 22 is maintained upstream until April 2027. Move with the project's engines.",
    });
  }
}
