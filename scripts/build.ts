/**
 * `npm run build` (and `prepack`): the published package in dist/. tsc checks the runtime library
 * under exactOptionalPropertyTypes (tsconfig.strict.json), then compiles lib/idempotency and lib/cdk
 * twice, to ESM (dist/esm) and CommonJS (dist/cjs), with declarations for each; a package.json in
 * each folder tells Node (and TypeScript) which format its files are. The ESM output's relative
 * specifiers are then made explicit (scripts/esm-specifiers.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DIST, ENTRIES } from './entries';
import { explicitSpecifier, rewriteRelativeSpecifiers } from './esm-specifiers';
import { staleManifestFields } from './manifest';

const ROOT = resolve(__dirname, '..');
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Makes every relative specifier of the ESM code and declarations name its `.js` file. */
function explicitEsmSpecifiers(dir: string): void {
  const problems: string[] = [];
  for (const file of filesUnder(dir).filter((path) => path.endsWith('.js') || path.endsWith('.d.ts'))) {
    const exists = (relativePath: string) => existsSync(join(dirname(file), relativePath));
    const { code, unresolved } = rewriteRelativeSpecifiers(readFileSync(file, 'utf8'), (specifier) => explicitSpecifier(specifier, exists));
    problems.push(...unresolved.map((specifier) => `${file}: '${specifier}' names no file`));
    writeFileSync(file, code);
  }
  if (problems.length > 0) throw new Error(`ESM output imports what it does not contain:\n${problems.join('\n')}`);
}

function build(): void {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const stale = staleManifestFields(manifest);
  if (stale.length > 0) throw new Error(`package.json's ${stale.join(', ')} differ from scripts/entries.ts: run \`npm run manifest\``);

  // The runtime library must compile under a strict user's settings, not only ours.
  execFileSync(TSC, ['-p', join(ROOT, 'tsconfig.strict.json')], { cwd: ROOT, stdio: 'inherit' });
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  for (const format of ['esm', 'cjs'] as const) {
    execFileSync(TSC, ['-p', join(ROOT, `tsconfig.${format}.json`)], { cwd: ROOT, stdio: 'inherit' });
    // sideEffects here too: bundlers read the package.json nearest to each file, and this is it.
    const type = format === 'esm' ? 'module' : 'commonjs';
    writeFileSync(join(ROOT, DIST[format], 'package.json'), `${JSON.stringify({ type, sideEffects: false }, null, 2)}\n`);
  }
  explicitEsmSpecifiers(join(ROOT, DIST.esm));

  const missing = Object.values(ENTRIES).filter((source) => !existsSync(join(ROOT, DIST.esm, `${source}.js`)));
  if (missing.length > 0) throw new Error(`No output for the entries ${missing.join(', ')}: is lib/<entry>.ts there?`);
  console.log(`dist/: ESM and CommonJS with declarations, entries ${Object.keys(ENTRIES).join(' ')}`);
}

build();
