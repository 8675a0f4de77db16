import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DISPATCH_ACTIONS, DISPATCH_SCOPE_ENV, DURABLE_FUNCTION_ENV } from '../idempotency/durable/dispatcher-settings';

/** Properties of a {@link DurableDispatcher}. */
export interface DurableDispatcherProps {
  /**
   * The durable function each message starts an execution of: a version or an alias (durable executions are started
   * on a qualified ARN). The dispatcher may invoke exactly this ARN and nothing else.
   */
  readonly target: lambda.IFunction;
  /**
   * The key space of the executions' names (`executionName(scope, id)`). Keep it stable across deploys: a new
   * scope starts every redelivered message anew.
   */
  readonly scope: string;
  /** A queue whose messages the dispatcher reads, with partial batch responses on. @default none: add a source yourself */
  readonly queue?: sqs.IQueue;
  /** Records per batch from `queue`. @default 10 */
  readonly batchSize?: number;
  /** How long the dispatcher's logs are kept. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A small function in front of a durable function, for event sources that retry (SQS, EventBridge): it starts
 * one durable execution per message, named from the message's stable id, so Lambda's execution-name idempotency
 * absorbs every redelivery. Its role may write its own log group and invoke the target; the queue, when given,
 * grants the consume actions its event source needs. For EventBridge, make `function` a rule's target.
 */
export class DurableDispatcher extends Construct {
  /** The dispatcher function. */
  public readonly function: NodejsFunction;

  /** Where the dispatcher logs. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DurableDispatcherProps) {
    super(scope, id);
    if (props.scope.length === 0) throw new Error(`${this.node.path}: DurableDispatcher: \`scope\` must be a non-empty string`);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Not the default role: AWSLambdaBasicExecutionRole may write every log group of the account.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Durable dispatcher: its own log group, and InvokeFunction on the one durable function it starts',
    });
    this.logGroup.grantWrite(role);
    // Exactly the ARN invoked, not `fn.grantInvoke` (which adds `:*`, every version and alias of the function).
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...DISPATCH_ACTIONS], resources: [props.target.functionArn] }));

    this.function = new NodejsFunction(this, 'Function', {
      entry: dispatcherEntry(),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      role,
      logGroup: this.logGroup,
      environment: { [DURABLE_FUNCTION_ENV]: props.target.functionArn, [DISPATCH_SCOPE_ENV]: props.scope },
      bundling: { minify: true, target: 'node22', externalModules: ['@aws-sdk/*'], forceDockerBundling: false },
    });
    if (props.queue) {
      this.function.addEventSource(new SqsEventSource(props.queue, { batchSize: props.batchSize ?? 10, reportBatchItemFailures: true }));
    }
  }
}

/**
 * The dispatcher's handler module: the TypeScript source beside this file in this repository, the built file in
 * the package (found from this file under CommonJS, else from the project's own install of the package).
 */
function dispatcherEntry(): string {
  const anchors = typeof __filename === 'string' ? [dirname(__filename)] : [];
  for (const folder of anchors) {
    for (const file of ['dispatcher-handler.ts', 'dispatcher-handler.js']) {
      const candidate = join(folder, '..', 'idempotency', 'durable', file);
      if (existsSync(candidate)) return candidate;
    }
  }
  const packageDir = dirname(createRequire(join(process.cwd(), 'package.json')).resolve('lambda-idempotency/package.json'));
  return join(packageDir, 'dist', 'cjs', 'idempotency', 'durable', 'dispatcher-handler.js');
}
