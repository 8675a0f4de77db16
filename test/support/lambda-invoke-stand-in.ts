import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`) on 127.0.0.1, for the real
 * `@aws-sdk/client-lambda` client, with the execution-name rules of durable functions as the API reference states
 * them: a new `X-Amz-Durable-Execution-Name` starts an execution (202 with `X-Amz-Durable-Execution-Arn`); a name
 * started before with the same payload answers with that execution, starting nothing; with another payload,
 * `DurableExecutionAlreadyStartedException` (409). Nothing here contacts AWS.
 */
export interface LambdaStandIn {
  /** A client pointed at the stand-in, with static fake credentials and no SDK retries. */
  readonly client: LambdaClient;
  /** Executions started, in order: each name once. */
  readonly started: readonly { readonly functionName: string; readonly name: string | undefined; readonly payload: string }[];
  /** Invoke requests received, duplicates included. */
  readonly requests: number;
  /** Resolves once every execution started so far has ended (see `onStart`). */
  settled(): Promise<unknown[]>;
  /** Answers the next `count` requests with a 500 ServiceException, as a failing service would. */
  failNext(count: number): void;
  stop(): Promise<void>;
}

/** What the stand-in runs for each execution it starts (an asynchronous invocation: the caller does not wait for it). */
export type ExecutionRunner = (payload: unknown, name: string | undefined) => Promise<unknown>;

/** Starts the stand-in on a free loopback port; `onStart` runs each new execution (a durable function in AWS's local runner). */
export async function startLambdaStandIn(onStart?: ExecutionRunner): Promise<LambdaStandIn> {
  const running: Promise<unknown>[] = [];
  const executions = new Map<string, string>();
  const started: { functionName: string; name: string | undefined; payload: string }[] = [];
  let requests = 0;
  let failures = 0;

  const answer = (res: ServerResponse, status: number, headers: Record<string, string>, body = '') => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
  const error = (res: ServerResponse, status: number, type: string, message: string) =>
    answer(res, status, { 'x-amzn-errortype': `${type}:` }, JSON.stringify({ Type: 'User', Message: message }));

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url?.split('?')[0] ?? '');
    if (req.method !== 'POST' || !match) return error(res, 404, 'ResourceNotFoundException', 'No such API');
    requests++;
    if (failures > 0) {
      failures--;
      return error(res, 500, 'ServiceException', 'The service failed');
    }
    const functionName = decodeURIComponent(match[1]!);
    const payload = Buffer.concat(chunks).toString('utf8');
    const name = req.headers['x-amz-durable-execution-name'] as string | undefined;
    if (name !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
      return error(res, 400, 'InvalidParameterValueException', 'DurableExecutionName must match [a-zA-Z0-9-_]+ and be 1 to 64 long');
    }
    const key = `${functionName}/${name}`;
    if (name !== undefined && executions.has(key)) {
      if (executions.get(key) !== payload) {
        return error(res, 409, 'DurableExecutionAlreadyStartedException', `Execution ${name} was already started with another input`);
      }
    } else {
      if (name !== undefined) executions.set(key, payload);
      started.push({ functionName, name, payload });
      if (onStart) running.push(onStart(JSON.parse(payload), name));
    }
    answer(res, 202, {
      'x-amz-durable-execution-arn': `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}/durable-execution/${name}/run`,
    });
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((reason: unknown) => error(res, 500, 'ServiceException', String(reason)));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new LambdaClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
    maxAttempts: 1,
  });
  return {
    client,
    started,
    get requests() {
      return requests;
    },
    settled: () => Promise.all(running),
    failNext: (count) => {
      failures = count;
    },
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
