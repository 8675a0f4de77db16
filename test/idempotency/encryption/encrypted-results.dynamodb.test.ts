import { randomBytes, randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { idempotentHttp, type HttpResponse } from 'lambda-idempotency';
import { DynamoDbStore } from 'lambda-idempotency/dynamodb';
import { encryptResults, localKeyProvider, type KeyProvider } from 'lambda-idempotency/encryption';
import { kmsKeyProvider } from 'lambda-idempotency/kms';
import { httpEvent } from '../../support/api-gateway-fixtures';
import { freshIdempotencyTable, scanAll, testClient } from '../../support/dynamodb';
import { KmsStandIn } from '../../support/kms-stand-in';
import { TcpFaultProxy } from '../../support/tcp-fault-proxy';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';

const MARKER = 'PLAINTEXT-MARKER-4242424242424242';
const client = testClient();
let kms: KmsStandIn;
let kmsClient: ReturnType<KmsStandIn['client']>;
const LOCAL_KEYS = { k1: randomBytes(32), k2: randomBytes(32) };

beforeAll(async () => {
  kms = await KmsStandIn.start();
  kmsClient = kms.client();
  kms.createKey('alias/results-1');
  kms.createKey('alias/results-2');
});
afterAll(async () => {
  kmsClient.destroy();
  await kms.close();
  client.destroy();
});

/** Key setups: the key provider before (`1`) and after (`2`) a rotation that keeps the old key for decryption. */
const SETUPS: [string, (generation: 1 | 2) => KeyProvider][] = [
  [
    'a local key provider',
    (generation) => localKeyProvider({ keys: generation === 1 ? { k1: LOCAL_KEYS.k1 } : LOCAL_KEYS, currentKeyId: `k${generation}` }),
  ],
  [
    'KMS (a stand-in of its API on 127.0.0.1, the real SDK client)',
    (generation) => kmsKeyProvider({ keyId: `alias/results-${generation}`, client: kmsClient }),
  ],
];

describe.each(SETUPS)('encrypted results on DynamoDB Local, with %s', (_name, keyProvider) => {
  let tableName: string;
  let runs: number;
  beforeEach(async () => {
    tableName = await freshIdempotencyTable(client);
    runs = 0;
  });
  const api = (generation: 1 | 2) =>
    idempotentHttp(
      async () => ({
        statusCode: 201,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ run: ++runs, card: MARKER }),
      }),
      {
        store: new DynamoDbStore({ tableName, client }),
        codec: encryptResults({ keyProvider: keyProvider(generation) }),
        logger: recordingLogger(),
      },
    );
  const post = (key: string) => httpEvent({ headers: [['Idempotency-Key', key]], body: '{}' });
  const call = async (handler: ReturnType<typeof api>, key: string) => (await handler(post(key), lambdaContext())) as HttpResponse;

  it('stores no plaintext of the result (the table scanned for a marker), and replays it after a key rotation', async () => {
    const first = await call(api(1), 'k-1');
    expect(first.body).toContain(MARKER);
    const items = await scanAll(client, tableName);
    expect(items).toHaveLength(1);
    expect(JSON.stringify(items)).not.toContain(MARKER);
    expect(JSON.stringify(items)).not.toContain('4242424242424242');
    const replay = await call(api(2), 'k-1');
    expect(replay).toMatchObject({ statusCode: 201, body: first.body, headers: { 'Idempotent-Replayed': 'true' } });
    expect(runs).toBe(1);
  });

  it('refuses a record moved to another id with a 500 problem, and never runs that request', async () => {
    const handler = api(1);
    await call(handler, 'k-a');
    const [a] = await scanAll(client, tableName);
    await call(handler, 'k-b');
    const b = (await scanAll(client, tableName)).find((item) => item.id!.S !== a!.id!.S)!;
    await client.send(new PutItemCommand({ TableName: tableName, Item: { ...a!, id: b.id! } })); // a's result under b's id
    const moved = await call(handler, 'k-b');
    expect(moved.statusCode).toBe(500);
    expect(JSON.parse(moved.body!).type).toBe('tag:lambda-idempotency,2026:problems/stored-response-undecodable');
    expect(runs).toBe(2);
    expect((await call(handler, 'k-a')).statusCode).toBe(201); // the original still replays
    expect(runs).toBe(2);
  });
});

describe('encrypted results with KMS through the stand-in: the wire and an outage', () => {
  let tableName: string;
  let runs: number;
  beforeEach(async () => {
    tableName = await freshIdempotencyTable(client);
    runs = 0;
    kms.outage = false;
  });
  afterEach(() => void (kms.outage = false));
  const api = () =>
    idempotentHttp(async () => ({ statusCode: 201, body: JSON.stringify({ run: ++runs }) }), {
      store: new DynamoDbStore({ tableName, client }),
      codec: encryptResults({ keyProvider: kmsKeyProvider({ keyId: 'alias/results-1', client: kmsClient }) }),
      logger: recordingLogger(),
    });
  const post = (key: string) => httpEvent({ headers: [['Idempotency-Key', key]], body: '{}' });

  it('asks KMS for one data key per stored result and one decryption per replay, bound to the record id', async () => {
    const handler = api();
    const key = randomUUID();
    const before = kms.calls.length;
    await handler(post(key), lambdaContext());
    await handler(post(key), lambdaContext());
    const calls = kms.calls.slice(before);
    expect(calls.map((c) => c.operation)).toEqual(['GenerateDataKey', 'Decrypt']);
    const [item] = await scanAll(client, tableName);
    expect(calls[0]!.encryptionContext).toEqual({ 'lambda-idempotency:record': item!.id!.S });
    expect(calls[1]!.encryptionContext).toEqual(calls[0]!.encryptionContext);
    expect(calls[1]!.keyId).toMatch(/^arn:aws:kms:eu-west-1:111122223333:key\//);
  });

  it('answers a replay during a KMS outage with 503 and Retry-After, runs nothing, and replays once KMS is back', async () => {
    const handler = api();
    const key = randomUUID();
    const first = (await handler(post(key), lambdaContext())) as HttpResponse;
    kms.outage = true;
    const during = (await handler(post(key), lambdaContext())) as HttpResponse;
    expect(during.statusCode).toBe(503);
    expect(during.headers?.['Retry-After']).toBe('2');
    expect(JSON.parse(during.body!).type).toBe('tag:lambda-idempotency,2026:problems/idempotency-store-unavailable');
    kms.outage = false;
    const after = (await handler(post(key), lambdaContext())) as HttpResponse;
    expect(after).toMatchObject({ statusCode: 201, body: first.body });
    expect(runs).toBe(1);
  });

  it('answers a replay whose KMS connection is reset (through the TCP fault proxy) with 503, and replays once KMS is reachable', async () => {
    const proxy = await TcpFaultProxy.start(Number(new URL(kms.url).port));
    const viaProxy = new KmsStandIn.Client(proxy.port);
    try {
      const handler = idempotentHttp(async () => ({ statusCode: 201, body: JSON.stringify({ run: ++runs }) }), {
        store: new DynamoDbStore({ tableName, client }),
        codec: encryptResults({ keyProvider: kmsKeyProvider({ keyId: 'alias/results-1', client: viaProxy }) }),
        logger: recordingLogger(),
      });
      const key = randomUUID();
      const first = (await handler(post(key), lambdaContext())) as HttpResponse;
      proxy.outage();
      const during = (await handler(post(key), lambdaContext())) as HttpResponse;
      expect(during.statusCode).toBe(503);
      expect(during.headers?.['Retry-After']).toBe('2');
      proxy.restore();
      expect(await handler(post(key), lambdaContext())).toMatchObject({ statusCode: 201, body: first.body });
      expect(runs).toBe(1);
    } finally {
      viaProxy.destroy();
      await proxy.close();
    }
  });

  it('returns the response when KMS fails at completion, completes the key without it, and never runs a duplicate', async () => {
    const logger = recordingLogger();
    const handler = idempotentHttp(async () => ({ statusCode: 201, body: JSON.stringify({ run: ++runs }) }), {
      store: new DynamoDbStore({ tableName, client }),
      codec: encryptResults({ keyProvider: kmsKeyProvider({ keyId: 'alias/results-1', client: kmsClient }) }),
      logger,
    });
    kms.outage = true;
    const key = randomUUID();
    const before = runs;
    expect(((await handler(post(key), lambdaContext())) as HttpResponse).statusCode).toBe(201);
    expect(logger.warnings.find((w) => w.message.startsWith('The codec could not encode'))?.fields.error).toContain('KMSInternalException');
    kms.outage = false;
    const duplicate = (await handler(post(key), lambdaContext())) as HttpResponse;
    expect(duplicate.statusCode).toBe(500);
    expect(JSON.parse(duplicate.body ?? '{}').type).toMatch(/response-unavailable$/);
    expect(runs - before).toBe(1);
  });
});
