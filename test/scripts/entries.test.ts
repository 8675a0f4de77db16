import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ENTRIES, manifestFields } from '../../scripts/entries';
import { staleManifestFields } from '../../scripts/manifest';

const ROOT = resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

/** Every import specifier of the TypeScript files under `dir`, with the file it is in. */
function importsUnder(dir: string): { file: string; specifier: string }[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .flatMap((entry) => {
      const file = join(entry.parentPath, entry.name);
      const code = readFileSync(file, 'utf8');
      return [...code.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)|\brequire\(\s*'([^']+)'\s*\)/g)].map((match) => ({
        file: relative(ROOT, file),
        specifier: (match[1] ?? match[2] ?? match[3])!,
      }));
    });
}

describe('the entry points', () => {
  it("are what package.json's main, types, exports and typesVersions say (npm run manifest writes them)", () => {
    expect(staleManifestFields(manifest)).toEqual([]);
    expect(manifest).toMatchObject(manifestFields());
  });

  it('each have their source file in lib/ (the cdk entry with the CDK code, the others with the runtime)', () => {
    for (const source of Object.values(ENTRIES)) expect(existsSync(join(ROOT, 'lib', `${source}.ts`))).toBe(true);
    expect(ENTRIES['./cdk']).toMatch(/^cdk\//);
  });

  it('are what the example (function, stack, local stand-in, entry points) imports the library by, nothing deeper', () => {
    const published = new Set(
      Object.keys(ENTRIES).map((subpath) => (subpath === '.' ? 'lambda-idempotency' : `lambda-idempotency/${subpath.slice(2)}`)),
    );
    const offending = ['lambda', 'lib/infra', 'lib/local', 'bin']
      .flatMap(importsUnder)
      .filter(
        ({ specifier }) =>
          (specifier.startsWith('lambda-idempotency') && !published.has(specifier)) ||
          /(^|\/)lib\/(idempotency|cdk)(\/|$)|^\.\.\/(idempotency|cdk)(\/|$)/.test(specifier),
      );
    expect(offending).toEqual([]);
  });
});
