import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { summarize, type Summary } from './stats';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');

/** The three bundles compared. */
export type BundleId = 'bare' | 'ours' | 'powertools';
const ENTRIES: Readonly<Record<BundleId, string>> = {
  bare: join(__dirname, 'entries', 'bare.ts'),
  ours: join(__dirname, 'entries', 'ours.ts'),
  powertools: join(__dirname, 'entries', 'powertools.ts'),
};

/** Size and load time of one bundle. */
export interface BundleResult {
  readonly id: BundleId;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The largest contributors to the output, by package (or by file for this repository's own code). */
  readonly topInputs: readonly { readonly input: string; readonly bytes: number }[];
  /** `require()` of the bundle in a fresh `node`, in ms, measured inside the child. */
  readonly load: Summary & { readonly samples: readonly number[] };
  /**
   * The same, in a fresh `node` that has already loaded `@aws-sdk/client-dynamodb` (untimed): the
   * SDK's ~50 ms, common to every bundle and the main source of noise, is left out, so what remains
   * is the library's own code (and any SDK package only it uses).
   */
  readonly loadSdkPreloaded: Summary & { readonly samples: readonly number[] };
}

/** How many fresh processes per bundle; `BENCH_LOAD_RUNS` overrides it. */
export interface BundleOptions {
  readonly loadRuns: number;
}

/** The esbuild settings of the issue: a Lambda-style bundle with the AWS SDK left to the runtime. */
export const BUNDLE_SETTINGS = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  external: ['@aws-sdk/*'],
} as const;

/** Package name (or repo-relative file) an esbuild input path belongs to. */
function owner(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? match[1]! : input;
}

function topInputs(metafile: Metafile, outfile: string): { input: string; bytes: number }[] {
  const output = Object.entries(metafile.outputs).find(([path]) => resolve(ROOT, path) === outfile)?.[1];
  const byOwner = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    byOwner.set(owner(input), (byOwner.get(owner(input)) ?? 0) + bytesInOutput);
  }
  return [...byOwner]
    .map(([input, bytes]) => ({ input, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 12);
}

/**
 * What the child runs: `require()` the bundle between two `process.hrtime` reads and print the ms.
 * The SDK is resolved through NODE_PATH, as Lambda resolves its runtime's copy.
 */
const CHILD =
  'const t=process.hrtime.bigint();require(process.argv[1]);process.stdout.write("\\nLOAD_MS="+(Number(process.hrtime.bigint()-t)/1e6))';
const PRELOAD_SDK = 'require("@aws-sdk/client-dynamodb");';

async function loadOnce(file: string, preloadSdk = false): Promise<number> {
  const { stdout } = await run(process.execPath, ['-e', (preloadSdk ? PRELOAD_SDK : '') + CHILD, file], {
    cwd: tmpdir(),
    env: {
      PATH: process.env.PATH,
      NODE_PATH: join(ROOT, 'node_modules'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      IDEMPOTENCY_TABLE_NAME: 'bench',
    },
  });
  const match = /LOAD_MS=([\d.]+)/.exec(stdout);
  if (!match) throw new Error(`the load probe printed no time for ${file}: ${stdout}`);
  return Number(match[1]);
}

/**
 * Bundles each entry with esbuild's JS API, then times its cold `require()` in fresh processes,
 * round-robin across bundles (after one untimed run each to warm the file cache).
 */
export async function measureBundles(options: BundleOptions): Promise<BundleResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'idempotency-bench-'));
  try {
    const ids = Object.keys(ENTRIES) as BundleId[];
    const built = new Map<BundleId, { file: string; bytes: number; gzipBytes: number; topInputs: { input: string; bytes: number }[] }>();
    for (const id of ids) {
      const file = join(dir, `${id}.js`);
      const result = await build({
        ...BUNDLE_SETTINGS,
        external: [...BUNDLE_SETTINGS.external],
        entryPoints: [ENTRIES[id]],
        outfile: file,
        metafile: true,
        logLevel: 'error',
        absWorkingDir: ROOT,
      });
      const code = await readFile(file);
      built.set(id, {
        file,
        bytes: code.length,
        gzipBytes: gzipSync(code, { level: 9 }).length,
        topInputs: topInputs(result.metafile, file),
      });
    }
    const samples = new Map<string, number[]>();
    for (const id of ids) await loadOnce(built.get(id)!.file);
    for (let round = 0; round < options.loadRuns; round++) {
      for (let i = 0; i < ids.length; i++) {
        const id = ids[(round + i) % ids.length]!;
        for (const preload of [false, true]) {
          const ms = await loadOnce(built.get(id)!.file, preload);
          const key = `${id}${preload ? ' preloaded' : ''}`;
          samples.set(key, [...(samples.get(key) ?? []), Math.round(ms * 1000) / 1000]);
        }
      }
    }
    return ids.map((id) => {
      const { file: _file, ...sizes } = built.get(id)!;
      const cold = samples.get(id)!;
      const preloaded = samples.get(`${id} preloaded`)!;
      return {
        id,
        ...sizes,
        load: { ...summarize(cold), samples: cold },
        loadSdkPreloaded: { ...summarize(preloaded), samples: preloaded },
      };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
