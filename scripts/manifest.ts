/**
 * `npm run manifest`: writes package.json's entry fields (`main`, `types`, `exports`, `typesVersions`)
 * from scripts/entries.ts. `--check` only reports whether they are up to date (exit code 1 if not).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { manifestFields } from './entries';

const PACKAGE_JSON = join(__dirname, '..', 'package.json');

/** The entry fields of package.json that differ from what `ENTRIES` makes. */
export function staleManifestFields(manifest: Record<string, unknown>): string[] {
  return Object.entries(manifestFields())
    .filter(([field, value]) => !isDeepStrictEqual(manifest[field], value))
    .map(([field]) => field);
}

/** package.json with its entry fields made from `ENTRIES`, the other fields in their order. */
export function withManifestFields(manifest: Record<string, unknown>): Record<string, unknown> {
  return { ...manifest, ...manifestFields() };
}

if (require.main === module) {
  const manifest = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as Record<string, unknown>;
  const stale = staleManifestFields(manifest);
  if (process.argv.includes('--check')) {
    if (stale.length > 0) {
      console.error(`package.json's ${stale.join(', ')} differ from scripts/entries.ts: run \`npm run manifest\``);
      process.exit(1);
    }
  } else if (stale.length > 0) {
    writeFileSync(PACKAGE_JSON, `${JSON.stringify(withManifestFields(manifest), null, 2)}\n`);
    console.log(`package.json: wrote ${stale.join(', ')}`);
  }
}
