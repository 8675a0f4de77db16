// `node run-bundle.cjs <bundle.js>`: the bundled handler against DynamoDB Local, started with the
// package's own launcher. Sends a first request and a retry with the same Idempotency-Key and prints
// what came back, how often the handler ran and what the table holds.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { DynamoDBClient, ScanCommand } = require('@aws-sdk/client-dynamodb');
const { createIdempotencyTable, DYNAMODB_LOCAL_CLIENT_CONFIG, startDynamoDbLocal } = require('lambda-idempotency/testing');

const TABLE = 'orders-idempotency';

function lambdaContext(requestId) {
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'PlaceOrder',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:PlaceOrder',
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/PlaceOrder',
    logStreamName: '2026/12/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
}

async function main() {
  const event = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'http-api-v2-jwt.json'), 'utf8'));
  const local = await startDynamoDbLocal({ timeoutMs: 60_000 });
  const client = new DynamoDBClient({ ...DYNAMODB_LOCAL_CLIENT_CONFIG, endpoint: local.endpoint });
  try {
    await createIdempotencyTable(client, TABLE);
    // The bundle's own client finds DynamoDB Local through the environment alone, as in Lambda.
    Object.assign(process.env, {
      IDEMPOTENCY_TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    const { handler, executionCount } = require(process.argv[2]);
    const first = await handler(event, lambdaContext('first-attempt'));
    const retryEvent = { ...event, requestContext: { ...event.requestContext, requestId: 'retry-request-id' } };
    const replay = await handler(retryEvent, lambdaContext('retry-attempt'));
    const { Items = [] } = await client.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }));
    process.stdout.write(JSON.stringify({ first, replay, executions: executionCount(), records: Items.map((item) => item.status?.S) }));
  } finally {
    client.destroy();
    await local.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
