import { localClient, startDynamoDbLocal } from '../lib/local/dynamodb-local';
import { startLocalPaymentApi } from '../lib/local/local-payment-api';

/** `npm start`: DynamoDB Local, the payment API and its browser demo on http://localhost:${PORT:-3000}. Ctrl-C stops both. */
async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const port = Number(process.env.PORT ?? 3000);
  console.log('Starting DynamoDB Local (Java)…');
  const dynamodb = await startDynamoDbLocal();
  const client = localClient(dynamodb.endpoint);
  let api: Awaited<ReturnType<typeof startLocalPaymentApi>>;
  try {
    api = await startLocalPaymentApi({
      client,
      port,
      host: '127.0.0.1',
      log: (line) => console.log(line),
      idempotency: { localCache: true },
      demo: true,
    });
  } catch (error) {
    await dynamodb.stop();
    const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    throw busy ? new Error(`Port ${port} is in use: run with PORT=<another port> npm start`) : error;
  }

  console.log(`
Payment API on ${api.url}  (DynamoDB Local at ${dynamodb.endpoint}, tables "${api.idempotencyTable}" and "${api.ledgerTable}")

Open ${api.url}/ in a browser: the flaky Wi-Fi payment, retried with one key, and the same without it.
Locally, "Authorization: Bearer <anything>" makes <anything> your principal.

Pay twice with one key; the second answer is the first, replayed:

  curl -i -X POST ${api.url}/payments \\
    -H 'Authorization: Bearer alice' -H 'Content-Type: application/json' \\
    -H 'Idempotency-Key: 8e03978e-40d5-43e8-bc93-6894a57f9324' \\
    -d '{"amount": 1000, "currency": "EUR", "source": "tok_visa"}'

  curl -s ${api.url}/payments -H 'Authorization: Bearer alice'

Ctrl-C stops everything.
`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await api.close();
    client.destroy();
    await dynamodb.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
