import { randomUUID } from 'node:crypto';
import { idempotentHttp, type HttpResponse } from '../../lib/idempotency';
import { DynamoDbStore } from '../../lib/idempotency/dynamodb';
import { startLocalApi, type LocalApi } from '../../lib/local/local-api';
import { freshIdempotencyTable, testClient } from '../support/dynamodb';
import { recordingLogger } from '../support/silent-logger';

const nested = (depth: number, open: string, leaf: string, close: string) => open.repeat(depth) + leaf + close.repeat(depth);
const bytes = (...values: number[]) => Buffer.from(values);

/**
 * A body first sent, a body that is the same request (replayed), and one that is not (422). Bodies of
 * every depth and shape that API Gateway passes on (up to 6 MB for a Lambda), sent over real sockets.
 */
const CASES: { name: string; first: string | Buffer; same: string | Buffer; changed: string | Buffer }[] = [
  {
    name: '2,500 nested arrays (5 KB)',
    first: nested(2_500, '[', '1', ']'),
    same: nested(2_500, '[', '1', ']'),
    changed: nested(2_500, '[', '2', ']'),
  },
  {
    name: '4,500 nested objects',
    first: nested(4_500, '{"a":', '1', '}'),
    same: nested(4_500, '{"a":', '1', '}'),
    changed: nested(4_500, '{"a":', 'null', '}'),
  },
  {
    name: '999 nested objects, respaced on the retry',
    first: nested(999, '{"a":', '1', '}'),
    same: nested(999, '{ "a" : ', '1.0', ' }'),
    changed: nested(999, '{"a":', '2', '}'),
  },
  {
    name: '3,000,000 nested arrays (6 MB)',
    first: nested(3_000_000, '[', '', ']'),
    same: nested(3_000_000, '[', '', ']'),
    changed: nested(2_999_999, '[', '[0]', ']'),
  },
  {
    name: 'a __proto__ member',
    first: '{"__proto__":{"x":1},"amount":1000}',
    same: '{"amount":1000,"__proto__":{"x":1}}',
    changed: '{"__proto__":{"x":2},"amount":1000}',
  },
  { name: 'a number past the double range', first: '{"amount":1e400}', same: '{"amount":10e399}', changed: '{"amount":null}' },
  { name: 'integers past 2^53', first: '{"id":9007199254740993}', same: '{ "id": 9007199254740993 }', changed: '{"id":9007199254740992}' },
  { name: 'a repeated member', first: '{"a":1,"a":2}', same: '{ "a":1, "a":2 }', changed: '{"a":2,"a":1}' },
  {
    name: 'bytes that are not UTF-8',
    first: bytes(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d),
    same: bytes(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d),
    changed: bytes(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xfe, 0x22, 0x7d),
  },
  {
    name: 'an overlong UTF-8 encoding',
    first: bytes(0x22, 0xc0, 0xaf, 0x22),
    same: bytes(0x22, 0xc0, 0xaf, 0x22),
    changed: bytes(0x22, 0xc1, 0xbf, 0x22),
  },
];

describe.each(['2.0', '1.0'] as const)('hostile bodies over real sockets (payload %s)', (payloadVersion) => {
  const dynamodb = testClient();
  let api: LocalApi;
  let runs = 0;

  beforeAll(async () => {
    const tableName = await freshIdempotencyTable(dynamodb, 'hostile');
    const handler = idempotentHttp(
      async (): Promise<HttpResponse> => ({
        statusCode: 201,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ run: ++runs }),
      }),
      { store: new DynamoDbStore({ tableName, client: dynamodb }), operation: 'hostile', logger: recordingLogger(), metrics: false },
    );
    api = await startLocalApi({ handler, routes: [{ method: 'POST', resource: '/orders' }], payloadVersion });
  });
  afterAll(async () => {
    await api?.close();
    dynamodb.destroy();
  });

  const post = async (key: string, body: string | Buffer) => {
    const response = await fetch(`${api.url}/orders`, {
      method: 'POST',
      headers: { Authorization: 'Bearer alice', 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body,
    });
    return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', body: await response.text() };
  };

  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    '%s: runs once, replays the same request, refuses a changed one with 422, never a 5xx',
    async (_name, { first, same, changed }) => {
      const key = randomUUID();
      const before = runs;
      const created = await post(key, first);
      const retried = await post(key, same);
      const reused = await post(key, changed);

      expect([created.status, retried.status, reused.status]).toEqual([201, 201, 422]);
      expect(retried.replayed).toBe(true);
      expect(retried.body).toBe(created.body);
      expect(JSON.parse(reused.body).type).toBe('tag:lambda-idempotency,2026:problems/idempotency-key-reused');
      expect(runs - before).toBe(1);
    },
  );
});
