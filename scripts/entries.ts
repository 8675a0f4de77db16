/**
 * The package's entry points, one line each: the subpath users import, and its source file under
 * `lib/` (without `.ts`): the runtime's in `lib/idempotency/`, the construct's with the CDK code in `lib/cdk/`. package.json's `main`, `types`, `exports` and `typesVersions`
 * are made from this list (`npm run manifest` writes them; the build and a unit test check them), and
 * the build, the size check and the consumer smoke test cover every entry listed here.
 */
export const ENTRIES = {
  '.': 'idempotency/index',
  './dynamodb': 'idempotency/dynamodb',
  './dynamodb-transactions': 'idempotency/dynamodb-transactions',
  './cdk': 'cdk/index',
  './testing': 'idempotency/testing',
  './redis': 'idempotency/redis',
  './codecs': 'idempotency/codecs',
  './encryption': 'idempotency/encryption',
  './kms': 'idempotency/kms',
  './dispatcher': 'idempotency/dispatcher',
  './durable': 'idempotency/durable',
} as const satisfies Readonly<Record<string, string>>;

/** Where the two builds go; each folder has a package.json naming its module format. */
export const DIST = { esm: 'dist/esm', cjs: 'dist/cjs' } as const;

/** The built file of an entry: `dist/esm/idempotency/dynamodb.js`, or its `.d.ts`. */
export function builtFile(format: keyof typeof DIST, source: string, kind: 'js' | 'd.ts'): string {
  return `./${DIST[format]}/${source}.${kind}`;
}

/** A conditional export: ESM declarations and code for `import`, CommonJS ones for `require`, each typed on its own. */
function conditions(source: string) {
  return {
    import: { types: builtFile('esm', source, 'd.ts'), default: builtFile('esm', source, 'js') },
    require: { types: builtFile('cjs', source, 'd.ts'), default: builtFile('cjs', source, 'js') },
  };
}

/** The package.json fields that follow from `ENTRIES`. */
export function manifestFields(entries: Readonly<Record<string, string>> = ENTRIES) {
  const root = entries['.'];
  if (root === undefined) throw new Error("ENTRIES has no root entry ('.')");
  const subpaths = Object.entries(entries).filter(([subpath]) => subpath !== '.');
  return {
    main: builtFile('cjs', root, 'js'),
    types: builtFile('cjs', root, 'd.ts'),
    exports: {
      ...Object.fromEntries(Object.entries(entries).map(([subpath, source]) => [subpath, conditions(source)])),
      './package.json': './package.json',
    },
    // TypeScript's `node10` resolution reads no `exports`: this maps each subpath to its declarations.
    typesVersions: {
      '*': Object.fromEntries(subpaths.map(([subpath, source]) => [subpath.slice(2), [builtFile('cjs', source, 'd.ts')]])),
    },
  };
}
