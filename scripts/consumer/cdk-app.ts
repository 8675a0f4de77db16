// A user's CDK app: the construct from `lambda-idempotency/cdk`, granted to a function and to a role.
// Prints what the synthesized template says, for the smoke test to check.
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IdempotencyTable, STORE_ACTIONS, TABLE_NAME_ENV } from 'lambda-idempotency/cdk';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new Stack(app, 'Orders');
const table = new IdempotencyTable(stack, 'Idempotency');

const fn = new lambda.Function(stack, 'PlaceOrder', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 201 })'),
});
table.grant(fn);
table.addTableNameTo(fn);

const worker = new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
table.grant(worker);

type Resource = { Type: string; Properties?: Record<string, any> };
const resources = Object.values(app.synth().getStackByName('Orders').template.Resources as Record<string, Resource>);
const ofType = (type: string) => resources.filter((resource) => resource.Type === type);

const summary = {
  storeActions: [...STORE_ACTIONS].sort(),
  tables: ofType('AWS::DynamoDB::GlobalTable').map((t) => ({ keySchema: t.Properties?.KeySchema, ttl: t.Properties?.TimeToLiveSpecification })),
  policies: ofType('AWS::IAM::Policy').map((p) => ({
    roles: p.Properties?.Roles,
    actions: (p.Properties?.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => s.Action).sort(),
  })),
  functionEnvironment: ofType('AWS::Lambda::Function').map((f) => Object.keys(f.Properties?.Environment?.Variables ?? {})),
  tableNameEnv: TABLE_NAME_ENV,
};
process.stdout.write(JSON.stringify(summary));
