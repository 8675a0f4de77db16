import { ArnFormat, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PAYMENT_CORS, PAYMENT_ROUTES } from '../../lambda/payment/payment-routes';
import { ACCESS_TOKEN_SCOPE } from './payment-user-pool';

/** Properties of a {@link PaymentHttpApi}. */
export interface PaymentHttpApiProps {
  /** The function behind every route. */
  readonly handler: lambda.IFunction;
  /** The pool whose tokens the JWT authorizer accepts. */
  readonly userPool: cognito.IUserPool;
  /** The app client whose id is the authorizer's audience. */
  readonly userPoolClient: cognito.IUserPoolClient;
  /**
   * Steady-state requests per second for the whole stage.
   *
   * @default 50
   */
  readonly throttlingRateLimit?: number;
  /**
   * Requests the stage absorbs in a burst above the rate.
   *
   * @default 100
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Origins browsers may call the API from.
   *
   * @default ['*'] (`PAYMENT_CORS`: tokens travel in the Authorization header, not cookies, so no credentials are shared)
   */
  readonly corsAllowOrigins?: string[];
  /**
   * How long access logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: logs.RetentionDays;
}

/**
 * An HTTP API (API Gateway v2) in front of the payment function.
 *
 * HTTP API rather than REST API: it costs less than a third per request, its JWT authorizer
 * checks Cognito tokens without a Lambda authorizer, its v2 payload is what the handler reads
 * (`requestContext.authorizer.jwt.claims.sub`), and none of what REST adds (API keys and usage
 * plans, request validation models, WAF, caching) is needed for this example.
 */
export class PaymentHttpApi extends Construct {
  /** The API. */
  public readonly api: apigwv2.HttpApi;

  /** The `$default` stage, with access logging and throttling. */
  public readonly stage: apigwv2.HttpStage;

  /** Where the stage writes one JSON line per request. */
  public readonly accessLogs: logs.LogGroup;

  /** The invoke URL (`https://{id}.execute-api.{region}.amazonaws.com/`). */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: PaymentHttpApiProps) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: Stack.of(this).stackName,
      description: 'Idempotent payments: POST /payments with an Idempotency-Key header',
      // The stage is created below: the default one cannot be given access logs or throttling.
      createDefaultStage: false,
      // API Gateway answers preflight requests itself, before the authorizer, and adds the
      // headers to the function's responses. `npm start` serves the same settings.
      corsPreflight: {
        allowOrigins: props.corsAllowOrigins ?? [...PAYMENT_CORS.allowOrigins],
        allowMethods: PAYMENT_CORS.allowMethods.map((method) => apigwv2.CorsHttpMethod[method]),
        allowHeaders: [...PAYMENT_CORS.allowHeaders],
        exposeHeaders: [...PAYMENT_CORS.exposeHeaders],
        maxAge: Duration.seconds(PAYMENT_CORS.maxAgeSeconds),
      },
    });

    // Under /aws/vendedlogs/, as AWS advises for logs that services deliver: such log groups need no
    // entry in the account's CloudWatch Logs resource policy, whose 5,120 characters fill up in an
    // account with many log deliveries, and then the stage would fail to deploy. The name is unique
    // to this construct in this stack.
    const accessLogGroupName = `/aws/vendedlogs/apigateway/${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`;
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: accessLogGroupName,
      retention: props.accessLogRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The log group's ARN without the `:*` that `logGroupArn` ends in: API Gateway stores the
    // destination without it, so with it drift detection reports the stage as modified forever.
    const accessLogArn = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: accessLogGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttlingRateLimit ?? 50,
        burstLimit: props.throttlingBurstLimit ?? 100,
      },
      accessLogSettings: {
        destination: { bind: () => ({ destinationArn: accessLogArn }) },
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    // The ARN names the log group rather than referencing it: keep the creation order explicit.
    this.stage.node.addDependency(this.accessLogs);
    this.url = this.stage.url;

    // Every route requires a Cognito access token for this client (see ACCESS_TOKEN_SCOPE).
    const authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', props.userPool, {
      userPoolClients: [props.userPoolClient],
    });
    const integration = new HttpLambdaIntegration('PaymentIntegration', props.handler);
    // The routes `npm start` serves too (PAYMENT_ROUTES); anything else is API Gateway's own 404.
    for (const route of PAYMENT_ROUTES) {
      this.api.addRoutes({
        path: route.resource,
        methods: [apigwv2.HttpMethod[route.method]],
        integration,
        authorizer,
        authorizationScopes: [ACCESS_TOKEN_SCOPE],
      });
    }
  }
}

/** One JSON object per request; HTTP API `$context` variables only (REST-only ones log as `-`). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
};
