/**
 * tsc writes relative imports as they are in the sources (`'./core/engine'`). Bundlers and CommonJS
 * find the file; Node's ESM resolver and TypeScript's `nodenext` do not guess extensions, so the ESM
 * output (code and declarations) must name the file: `'./core/engine.js'`, `'./stores/index.js'`.
 * Rewriting the output keeps the sources in the style the whole repository (and its bundlers) uses.
 */

/** `from '…'`, `import '…'`, `import('…')`: the places a module specifier stands in code and declarations. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"\n]*)\2/g;

/** Specifiers that already name a file. */
const EXPLICIT = /\.(?:[cm]?js|json)$/;

/** The result of rewriting one file. */
export interface RewriteResult {
  readonly code: string;
  /** Relative specifiers that `resolve` could not map to a file. */
  readonly unresolved: readonly string[];
}

/**
 * Rewrites each extensionless relative specifier in `code` to what `resolve` returns for it
 * (`undefined`: no such file, reported in `unresolved` and left as it was).
 */
export function rewriteRelativeSpecifiers(code: string, resolve: (specifier: string) => string | undefined): RewriteResult {
  const unresolved: string[] = [];
  const rewritten = code.replace(SPECIFIER, (match, lead: string, quote: string, specifier: string) => {
    if (EXPLICIT.test(specifier)) return match;
    const target = resolve(specifier);
    if (target === undefined) {
      unresolved.push(specifier);
      return match;
    }
    return `${lead}${quote}${target}${quote}`;
  });
  return { code: rewritten, unresolved };
}

/**
 * The file a specifier means, the way CommonJS and bundlers find it: `<specifier>.js`, else
 * `<specifier>/index.js`; `exists` answers for a path relative to the importing file.
 */
export function explicitSpecifier(specifier: string, exists: (relativePath: string) => boolean): string | undefined {
  // A trailing slash means the folder, as in Node.
  if (specifier.endsWith('/')) return exists(`${specifier}index.js`) ? `${specifier}index.js` : undefined;
  if (exists(`${specifier}.js`)) return `${specifier}.js`;
  if (exists(`${specifier}/index.js`)) return `${specifier}/index.js`;
  return undefined;
}
