import { RemovalPolicy, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LEDGER_ACTIONS, LEDGER_PARTITION_KEY, LEDGER_SORT_KEY, LEDGER_TABLE_NAME_ENV } from '../../lambda/payment/ledger-schema';
import { FULFILMENT_TIMEOUT_SECONDS, PAYMENT_SETTLED } from '../../lambda/fulfilment/fulfilment-settings';
import { PAYMENT_OPERATION } from '../../lambda/payment/payment-operation';
import { PAYMENT_CORS, PAYMENT_ROUTES } from '../../lambda/payment/payment-routes';
import { OPERATION_ENV, STORE_ACTIONS, TABLE_NAME_ENV } from '../../lib/idempotency/schema';
import { PaymentApiStack, type PaymentApiStackProps } from '../../lib/infra/payment-api-stack';
import { ACCESS_TOKEN_SCOPE } from '../../lib/infra/payment-user-pool';
import { logicalId, testApp } from './cdk-app';

function synth(props?: PaymentApiStackProps) {
  const stack = new PaymentApiStack(testApp(), 'PaymentApi', props);
  return { stack, template: Template.fromStack(stack) };
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

describe('PaymentApiStack', () => {
  const { stack, template } = synth();
  const idempotencyTable = logicalId(stack.idempotencyTable.table);
  const ledgerTable = logicalId(stack.ledgerTable.table);
  const fn = logicalId(stack.payment.function);
  const role = logicalId(stack.payment.function.role!);
  const userPool = logicalId(stack.users.userPool);
  const client = logicalId(stack.users.client);

  it('is environment-agnostic: no account or region is needed to synthesize it', () => {
    expect(Token.isUnresolved(stack.account)).toBe(true);
    expect(Token.isUnresolved(stack.region)).toBe(true);
  });

  describe('tables', () => {
    it('lays the ledger out as pk/sk strings, on demand, with point-in-time recovery and no TTL', () => {
      expect(template.toJSON().Resources[ledgerTable].Properties).toMatchObject({
        KeySchema: [
          { AttributeName: LEDGER_PARTITION_KEY, KeyType: 'HASH' },
          { AttributeName: LEDGER_SORT_KEY, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: LEDGER_PARTITION_KEY, AttributeType: 'S' },
          { AttributeName: LEDGER_SORT_KEY, AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      });
      expect(template.toJSON().Resources[ledgerTable].Properties.TimeToLiveSpecification).toBeUndefined();
    });

    it('keeps both tables, deletion-protected, on stack deletion and replacement unless told otherwise', () => {
      const policies = (t: Template) =>
        Object.values(t.findResources('AWS::DynamoDB::GlobalTable')).map((table) => [
          table.DeletionPolicy,
          table.UpdateReplacePolicy,
          table.Properties.Replicas[0].DeletionProtectionEnabled,
        ]);
      expect(Object.keys(template.findResources('AWS::DynamoDB::GlobalTable')).sort()).toEqual([idempotencyTable, ledgerTable].sort());
      expect(policies(template)).toEqual([
        ['Retain', 'Retain', true],
        ['Retain', 'Retain', true],
      ]);
      // A sandbox's tables go with the stack: no protection that would make the deletion fail.
      expect(policies(synth({ tableRemovalPolicy: RemovalPolicy.DESTROY }).template)).toEqual([
        ['Delete', 'Delete', false],
        ['Delete', 'Delete', false],
      ]);
    });
  });

  describe('payment function', () => {
    it('runs Node.js 22 on arm64 with source maps, a 10 s timeout, both table names and a stable idempotency operation', () => {
      const props = template.toJSON().Resources[fn].Properties;
      expect(props).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: 10,
        MemorySize: 256,
      });
      expect(props.Environment.Variables).toEqual({
        NODE_OPTIONS: '--enable-source-maps',
        [OPERATION_ENV]: PAYMENT_OPERATION,
        [TABLE_NAME_ENV]: { Ref: idempotencyTable },
        [LEDGER_TABLE_NAME_ENV]: { Ref: ledgerTable },
      });
    });

    it('logs to its own log group, kept for 30 days', () => {
      const logGroup = logicalId(stack.payment.logGroup);
      template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroup } } });
      expect(template.toJSON().Resources[logGroup].Properties).toEqual({ RetentionInDays: 30 });
    });

    // Every statement the role has, exactly: a broader grant (Scan, BatchWriteItem, an index ARN,
    // a second table, `dynamodb:*`) or an AWS managed policy fails here.
    it('may do exactly the store actions on the idempotency table, the ledger actions on the ledger, and write its logs', () => {
      // The payment role's policies (the fulfilment's roles have their own, tested with it).
      const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
        JSON.stringify(policy.Properties.Roles).includes(`"${role}"`),
      );
      expect(policies.map((policy) => policy.Properties.Roles)).toEqual([[{ Ref: role }]]);
      const statements = (policies[0]!.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({
        ...statement,
        Action: [statement.Action].flat().sort(),
      }));
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logicalId(stack.payment.logGroup), 'Arn'] },
        },
        { Effect: 'Allow', Action: [...STORE_ACTIONS].sort(), Resource: { 'Fn::GetAtt': [idempotencyTable, 'Arn'] } },
        { Effect: 'Allow', Action: [...LEDGER_ACTIONS].sort(), Resource: { 'Fn::GetAtt': [ledgerTable, 'Arn'] } },
      ]);
      expect(template.toJSON().Resources[role].Properties.ManagedPolicyArns).toBeUndefined();
    });
  });

  describe('HTTP API', () => {
    const authorizer = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));

    it('is an HTTP API with CORS for the idempotency headers', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        CorsConfiguration: {
          AllowOrigins: ['*'],
          AllowMethods: ['GET', 'POST', 'OPTIONS'],
          AllowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
          ExposeHeaders: ['Idempotent-Replayed', 'Retry-After', 'Location'],
          MaxAge: 3600,
        },
      });
    });

    it('validates Cognito JWTs for the app client: issuer is the user pool, audience the client id', () => {
      expect(authorizer).toHaveLength(1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Audience: [{ Ref: client }],
          Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: userPool }]] },
        },
      });
    });

    it('has exactly the three payment routes, each behind the JWT authorizer and requiring an access token', () => {
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties);
      expect(routes.map((route) => route.RouteKey).sort()).toEqual(['GET /payments', 'GET /payments/{id}', 'POST /payments']);
      // The very routes and CORS settings the local stand-in serves (npm start), so the two cannot drift.
      expect(routes.map((route) => route.RouteKey).sort()).toEqual(
        PAYMENT_ROUTES.map((route) => `${route.method} ${route.resource}`).sort(),
      );
      const api = Object.values(template.findResources('AWS::ApiGatewayV2::Api'))[0]!.Properties.CorsConfiguration;
      expect(api).toEqual({
        AllowOrigins: [...PAYMENT_CORS.allowOrigins],
        AllowMethods: [...PAYMENT_CORS.allowMethods],
        AllowHeaders: [...PAYMENT_CORS.allowHeaders],
        ExposeHeaders: [...PAYMENT_CORS.exposeHeaders],
        MaxAge: PAYMENT_CORS.maxAgeSeconds,
      });
      for (const route of routes) {
        expect(route).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizer[0] },
          AuthorizationScopes: [ACCESS_TOKEN_SCOPE],
        });
      }
    });

    it('hands requests to the payment function with the v2 payload', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [fn, 'Arn'] },
      });
    });

    it('serves one auto-deployed $default stage with throttling and JSON access logs kept for 30 days', () => {
      const accessLogs = logicalId(stack.httpApi.accessLogs);
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
      });
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
      expect(stage.DependsOn).toContain(accessLogs);
      expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toMatchObject({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        authorizerError: '$context.authorizer.error',
      });
      expect(template.toJSON().Resources[accessLogs].Properties).toEqual({ RetentionInDays: 30, LogGroupName: expect.any(String) });
    });

    // AWS: log groups that receive vended logs belong under /aws/vendedlogs/, else every delivery adds
    // to the account's CloudWatch Logs resource policy, which is limited to 5,120 characters.
    it('names the access-log group under /aws/vendedlogs/, unique to the stack and construct', () => {
      const name = template.toJSON().Resources[logicalId(stack.httpApi.accessLogs)].Properties.LogGroupName as string;
      expect(name).toMatch(/^\/aws\/vendedlogs\/apigateway\/PaymentApi-[\w-]+$/);
      expect(name.length).toBeLessThanOrEqual(512);
      const other = new PaymentApiStack(testApp(), 'PaymentApiStaging');
      expect(Template.fromStack(other).toJSON().Resources[logicalId(other.httpApi.accessLogs)].Properties.LogGroupName).not.toBe(name);
    });

    // API Gateway stores the destination without `:*`; a template that says `:*` drifts forever.
    it("points the access logs at the log group's ARN without the trailing :*", () => {
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
      const name = template.toJSON().Resources[logicalId(stack.httpApi.accessLogs)].Properties.LogGroupName as string;
      expect(stack.resolve(stage.Properties.AccessLogSettings.DestinationArn)).toEqual({
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:log-group:${name}`],
        ],
      });
      expect(JSON.stringify(stage.Properties.AccessLogSettings.DestinationArn)).not.toContain(':*');
    });
  });

  describe('Cognito', () => {
    it('lets only administrators create users, with a strong password policy', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Policies: {
          PasswordPolicy: { MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true },
        },
      });
    });

    it('has a public app client that signs in with USER_PASSWORD_AUTH and no hosted UI', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        GenerateSecret: false,
        AllowedOAuthFlowsUserPoolClient: false,
      });
    });
  });

  it('outputs what the deploy guide needs: API URL, table names, user pool and client ids, region', () => {
    const outputs = template.toJSON().Outputs;
    expect(Object.keys(outputs).sort()).toEqual([
      'ApiUrl',
      'IdempotencyTableName',
      'LedgerTableName',
      'Region',
      'UserPoolClientId',
      'UserPoolId',
    ]);
    expect(outputs.IdempotencyTableName.Value).toEqual({ Ref: idempotencyTable });
    expect(outputs.LedgerTableName.Value).toEqual({ Ref: ledgerTable });
    expect(outputs.UserPoolId.Value).toEqual({ Ref: userPool });
    expect(outputs.UserPoolClientId.Value).toEqual({ Ref: client });
    expect(outputs.Region.Value).toEqual({ Ref: 'AWS::Region' });
    expect(JSON.stringify(outputs.ApiUrl.Value)).toContain(logicalId(stack.httpApi.api));
  });

  describe('order fulfilment', () => {
    const durable = stack.fulfilment;
    it('is a durable function whose execution timeout is the one its idempotency claim lasts', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        DurableConfig: { ExecutionTimeout: FULFILMENT_TIMEOUT_SECONDS, RetentionPeriodInDays: 14 },
        Environment: { Variables: { [TABLE_NAME_ENV]: { Ref: idempotencyTable } } },
      });
    });

    it('starts executions through the dispatcher, which EventBridge invokes for settled payments and which may invoke only the live alias', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { source: [PAYMENT_SETTLED.source], 'detail-type': [PAYMENT_SETTLED.detailType] },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [logicalId(durable.dispatcher.function), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
          }),
        ],
      });
      const dispatcherRole = logicalId(durable.dispatcher.function.role!);
      const statements = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${dispatcherRole}"`))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
      expect(statements.filter((statement) => JSON.stringify(statement.Action).includes('lambda:'))).toEqual([
        { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { Ref: logicalId(durable.alias) } },
      ]);
    });

    it('may do exactly the store actions on the idempotency table', () => {
      const fulfilmentRole = logicalId(durable.function.role!);
      const statements = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${fulfilmentRole}"`))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: [...STORE_ACTIONS].sort(),
          Resource: { 'Fn::GetAtt': [idempotencyTable, 'Arn'] },
        },
      ]);
    });
  });
});
