/**
 * `npm run test:consumer [-- <tarball>]`: the package as a user gets it. Packs it (or takes the tarball
 * given), installs it offline into a fresh project in a temporary folder, and checks, against what was
 * installed and nothing else of this repository:
 *   (a) require() and import() of every entry point, with the same exports either way;
 *   (b) tsc under `nodenext` (a CommonJS and an ES module project) and `bundler` resolution, with
 *       strict, exactOptionalPropertyTypes and skipLibCheck off;
 *   (c) esbuild bundles a handler; (d) the bundle answers a first request and its replay against
 *       DynamoDB Local, started with the package's own launcher;
 *   (e) a CDK app synthesizes IdempotencyTable with grant() and addTableNameTo() from `./cdk`;
 *   (f) the root entry loads neither aws-cdk-lib nor @aws-sdk/*, and `./cdk` loads no runtime code.
 * The peers (SDK, CDK, types) are this repository's node_modules, linked in: the project is offline.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { build } from 'esbuild';
import { classifyLoaded, LOAD_RULES, loadViolations } from './loaded-modules';
import { partitionDiagnostics, splitDiagnostics } from './tsc-diagnostics';

const ROOT = resolve(__dirname, '..');
const TEMPLATE = join(__dirname, 'consumer');
const BIN = join(ROOT, 'node_modules', '.bin');

/** Names an entry must export, beyond what `require` and `import` must agree on. */
const EXPECTED_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  '.': ['idempotent', 'idempotentHttp', 'idempotentSqs', 'idempotentWebhook', 'idempotentMiddleware', 'IdempotencyError', 'ErrorCode', 'hasErrorCode', 'TABLE_NAME_ENV'],
  './dynamodb': ['DynamoDbStore', 'dynamoDbSteps', 'tableLayout'],
  './dynamodb-transactions': ['dynamoDbTransactions', 'TRANSACTION_LIMITS'],
  './cdk': ['IdempotencyTable', 'PARTITION_KEY', 'TTL_ATTRIBUTE', 'TABLE_NAME_ENV', 'STORE_ACTIONS', 'DurableDispatcher'],
  './testing': ['MemoryStore', 'startDynamoDbLocal', 'createIdempotencyTable', 'DYNAMODB_LOCAL_CLIENT_CONFIG'],
  './durable': ['idempotent', 'isDurableContext', 'durableSteps', 'DURABLE_CHECKPOINT_BYTES'],
  './dispatcher': ['durableDispatcher', 'DurableDispatchError', 'executionName'],
};
/** Stores live in their own entries, so the root stays free of the SDK. */
const NOT_AT_ROOT = ['DynamoDbStore', 'MemoryStore'];

/** Compiler options every consumer configuration shares: a strict user's. */
const STRICT = { target: 'ES2022', lib: ['ES2022'], types: ['node'], strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true };
const TYPE_CHECKED = ['handler.ts', 'surface.ts', 'cdk-app.ts'];

const failures: string[] = [];
function check(name: string, problems: readonly string[]): void {
  if (problems.length === 0) {
    console.log(`PASS ${name}`);
  } else {
    failures.push(name);
    console.log(`FAIL ${name}\n${problems.map((problem) => `     ${problem}`).join('\n')}`);
  }
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** Runs and reports instead of throwing: `{ ok, output }`. */
function attempt(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): { ok: boolean; output: string } {
  try {
    return { ok: true, output: run(command, args, cwd, env) };
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${stdout}${stderr}` || message };
  }
}

function packTarball(into: string): string {
  // prepack builds dist/ first.
  const name = run('npm', ['pack', '--silent', '--pack-destination', into], ROOT).trim().split('\n').pop()!;
  return join(into, name);
}

/** A fresh project with the tarball installed by npm, offline, and the peers linked from this repository. */
function installConsumer(dir: string, tarball: string): { packageDir: string; manifest: Record<string, any> } {
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2)}\n`);
  // Peers are linked below rather than installed: --legacy-peer-deps keeps npm from fetching them.
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--legacy-peer-deps', '--ignore-scripts', tarball], dir);
  const packageDir = join(dir, 'node_modules', 'lambda-idempotency');
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Record<string, any>;
  for (const name of [...Object.keys(manifest.peerDependencies ?? {}), '@types/node']) {
    const source = join(ROOT, 'node_modules', name);
    if (!existsSync(source)) {
      console.log(`     (peer ${name} is not in this repository's node_modules: not linked)`);
      continue;
    }
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(source, join(dir, 'node_modules', name), 'dir');
  }
  cpSync(TEMPLATE, dir, { recursive: true });
  // The ES module project: the same sources, in a folder whose package.json says "module".
  mkdirSync(join(dir, 'esm'));
  for (const file of TYPE_CHECKED) cpSync(join(TEMPLATE, file), join(dir, 'esm', file));
  writeFileSync(join(dir, 'esm', 'package.json'), '{ "type": "module" }\n');
  return { packageDir, manifest };
}

function loadChecks(dir: string, packageDir: string, entries: readonly string[]): void {
  for (const subpath of entries) {
    const specifier = subpath === '.' ? 'lambda-idempotency' : `lambda-idempotency/${subpath.slice(2)}`;
    const problems: string[] = [];
    const results: Record<string, { exports: string[]; files: string[] }> = {};
    for (const script of ['load-check.cjs', 'load-check.mjs']) {
      const result = attempt(process.execPath, [script, specifier], dir);
      if (!result.ok) {
        problems.push(`${script} ${specifier} failed: ${result.output.trim()}`);
        continue;
      }
      const parsed = JSON.parse(result.output) as { exports: string[]; files: string[] };
      results[script] = parsed;
      const loaded = classifyLoaded(parsed.files, packageDir);
      const rule = LOAD_RULES[subpath];
      if (rule) problems.push(...loadViolations(loaded, rule).map((problem) => `${script === 'load-check.cjs' ? 'require' : 'import'}: ${problem}`));
    }
    const cjs = results['load-check.cjs']?.exports;
    const esm = results['load-check.mjs']?.exports;
    if (cjs && esm && !isDeepStrictEqual(cjs, esm)) problems.push(`require and import disagree: ${JSON.stringify(cjs)} vs ${JSON.stringify(esm)}`);
    const exported = new Set([...(cjs ?? []), ...(esm ?? [])]);
    problems.push(...(EXPECTED_EXPORTS[subpath] ?? []).filter((name) => !exported.has(name)).map((name) => `does not export ${name}`));
    if (subpath === '.') problems.push(...NOT_AT_ROOT.filter((name) => exported.has(name)).map((name) => `exports ${name}, which belongs to its own entry`));
    check(`(a, f) ${specifier}: require and import (${(cjs ?? esm ?? []).length} exports)${LOAD_RULES[subpath] ? ', loads nothing it must not' : ''}`, problems);
  }
}

/**
 * aws-cdk-lib's own declarations do not pass exactOptionalPropertyTypes with skipLibCheck off (its
 * classes implement interfaces with optional members): their errors are counted and set aside. Any
 * other diagnostic (our declarations, the consumer's code, a missing type) fails the check.
 */
// The durable SDK's own declarations (2.4.0) fail exactOptionalPropertyTypes in its logger types: not ours to fix.
const FOREIGN_DECLARATIONS = ['aws-cdk-lib', '@aws/durable-execution-sdk-js'];

function typeChecks(dir: string): void {
  const configs = {
    'nodenext, CommonJS project': { compilerOptions: { ...STRICT, module: 'nodenext', moduleResolution: 'nodenext' }, files: TYPE_CHECKED },
    'nodenext, ES module project': { compilerOptions: { ...STRICT, module: 'nodenext', moduleResolution: 'nodenext' }, files: TYPE_CHECKED.map((file) => `esm/${file}`) },
    'bundler resolution': { compilerOptions: { ...STRICT, module: 'preserve', moduleResolution: 'bundler' }, files: TYPE_CHECKED },
  };
  for (const [name, config] of Object.entries(configs)) {
    const file = join(dir, `tsconfig.${name.replace(/[^a-z]+/gi, '-')}.json`);
    writeFileSync(file, JSON.stringify(config, null, 2));
    const result = attempt(join(BIN, 'tsc'), ['-p', file], dir);
    const { ours, foreign } = partitionDiagnostics(splitDiagnostics(result.ok ? '' : result.output), FOREIGN_DECLARATIONS);
    const problems = result.ok || ours.length > 0 || foreign.length > 0 ? ours : [`tsc failed: ${result.output}`];
    const aside = foreign.length > 0 ? `; ${foreign.length} errors inside aws-cdk-lib's or the durable SDK's own declarations set aside` : '';
    check(`(b) tsc, ${name}, strict + exactOptionalPropertyTypes, skipLibCheck false${aside}`, problems);
  }
}

async function bundleAndRun(dir: string): Promise<void> {
  const outfile = join(dir, 'dist', 'handler.js');
  let bundled = false;
  try {
    // As NodejsFunction bundles: the AWS SDK is the runtime's.
    await build({ entryPoints: [join(dir, 'handler.ts')], outfile, bundle: true, minify: true, platform: 'node', target: 'node22', format: 'cjs', external: ['@aws-sdk/*'], absWorkingDir: dir, logLevel: 'error' });
    const code = readFileSync(outfile, 'utf8');
    const problems = [/require\("@aws-sdk\/client-dynamodb"\)/.test(code) ? '' : 'the bundle does not leave @aws-sdk/client-dynamodb to the runtime', code.includes('aws-cdk-lib') ? 'the bundle contains aws-cdk-lib' : ''].filter(Boolean);
    check(`(c) esbuild bundles the handler (${(code.length / 1024).toFixed(1)} KB minified)`, problems);
    bundled = problems.length === 0;
  } catch (error) {
    check('(c) esbuild bundles the handler', [String(error)]);
  }
  if (!bundled) return;
  const result = attempt(process.execPath, ['run-bundle.cjs', outfile], dir, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  if (!result.ok) {
    check('(d) the bundle answers a first request and its replay against DynamoDB Local', [result.output.trim()]);
    return;
  }
  const { first, replay, executions, records } = JSON.parse(result.output) as {
    first: { statusCode: number; headers?: Record<string, string>; body: string };
    replay: { statusCode: number; headers?: Record<string, string>; body: string };
    executions: number;
    records: string[];
  };
  const header = (response: typeof first, name: string) => Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
  check('(d) the bundle answers a first request and its replay against DynamoDB Local', [
    first.statusCode === 201 ? '' : `first request: status ${first.statusCode}, expected 201 (${first.body})`,
    header(first, 'idempotent-replayed') === undefined ? '' : 'the first request is marked replayed',
    replay.statusCode === 201 ? '' : `replay: status ${replay.statusCode}, expected 201`,
    header(replay, 'idempotent-replayed') === 'true' ? '' : 'the replay is not marked Idempotent-Replayed: true',
    replay.body === first.body ? '' : `the replay's body differs: ${replay.body} vs ${first.body}`,
    executions === 1 ? '' : `the handler ran ${executions} times, expected once`,
    isDeepStrictEqual(records, ['COMPLETED']) ? '' : `the table holds ${JSON.stringify(records)}, expected one COMPLETED record`,
  ].filter(Boolean));
}

function launcherFromEsm(dir: string): void {
  const result = attempt(process.execPath, ['launcher-check.mjs'], dir, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  const parsed = result.ok ? (JSON.parse(result.output) as { endpoint: string; port: number }) : undefined;
  check('(d) startDynamoDbLocal from an ES module: answers on 127.0.0.1, stops', result.ok ? (parsed!.endpoint === `http://127.0.0.1:${parsed!.port}` ? [] : [`endpoint ${parsed!.endpoint}`]) : [result.output.trim()]);
}

function synthCdkApp(dir: string): void {
  const result = attempt(join(BIN, 'tsx'), ['cdk-app.ts'], dir, { CDK_DISABLE_VERSION_CHECK: '1', AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: 'us-east-1' });
  if (!result.ok) {
    check('(e) a CDK app synthesizes IdempotencyTable with grant() from ./cdk', [result.output.trim()]);
    return;
  }
  const summary = JSON.parse(result.output) as {
    storeActions: string[];
    tables: { keySchema: unknown; ttl: unknown }[];
    policies: { actions: string[] }[];
    functionEnvironment: string[][];
    tableNameEnv: string;
  };
  check('(e) a CDK app synthesizes IdempotencyTable with grant() and addTableNameTo() from ./cdk', [
    isDeepStrictEqual(summary.tables, [{ keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], ttl: { AttributeName: 'expiration', Enabled: true } }]) ? '' : `tables: ${JSON.stringify(summary.tables)}`,
    summary.policies.length === 2 && summary.policies.every((policy) => isDeepStrictEqual(policy.actions, summary.storeActions)) ? '' : `policies: ${JSON.stringify(summary.policies)}, expected the store actions for the function and the role`,
    isDeepStrictEqual(summary.functionEnvironment, [[summary.tableNameEnv]]) ? '' : `function environment: ${JSON.stringify(summary.functionEnvironment)}`,
  ].filter(Boolean));
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'idempotency-consumer-'));
  try {
    const tarball = process.argv[2] ? resolve(process.argv[2]) : packTarball(work);
    const dir = join(work, 'project');
    mkdirSync(dir);
    console.log(`Consumer project in ${dir}, from ${tarball}`);
    const { packageDir, manifest } = installConsumer(dir, tarball);
    const entries = Object.keys(manifest.exports as Record<string, unknown>).filter((subpath) => subpath !== './package.json');
    loadChecks(dir, packageDir, entries);
    typeChecks(dir);
    await bundleAndRun(dir);
    launcherFromEsm(dir);
    synthCdkApp(dir);
  } finally {
    if (!process.env.KEEP_CONSUMER) rmSync(work, { recursive: true, force: true });
  }
  console.log(`\nconsumer: ${failures.length === 0 ? 'every check passed' : `${failures.length} failed`}`);
  if (failures.length > 0) process.exit(1);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
