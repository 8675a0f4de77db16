import { explicitSpecifier, rewriteRelativeSpecifiers } from '../../scripts/esm-specifiers';

const files = new Set(['./core/engine.js', './stores/index.js', '../schema.js', './errors.js']);
const resolve = (specifier: string) => explicitSpecifier(specifier, (path) => files.has(path));

describe('rewriting relative specifiers in the ESM output', () => {
  it('names the file of every import, export and dynamic import, in code and declarations', () => {
    const code = [
      "import { run } from './core/engine';",
      'export * from "./stores";',
      "export { PARTITION_KEY } from '../schema';",
      "const lazy = () => import('./errors');",
      "export declare function f(): import('./core/engine').Engine;",
      "import './errors';",
    ].join('\n');
    expect(rewriteRelativeSpecifiers(code, resolve)).toEqual({
      code: [
        "import { run } from './core/engine.js';",
        'export * from "./stores/index.js";',
        "export { PARTITION_KEY } from '../schema.js';",
        "const lazy = () => import('./errors.js');",
        "export declare function f(): import('./core/engine.js').Engine;",
        "import './errors.js';",
      ].join('\n'),
      unresolved: [],
    });
  });

  it('leaves package names, node: modules and explicit files alone', () => {
    const code = [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { createHash } from 'node:crypto';",
      "export { x } from './core/engine.js';",
      "import data from './data.json';",
    ].join('\n');
    expect(rewriteRelativeSpecifiers(code, resolve)).toEqual({ code, unresolved: [] });
  });

  it('reports a specifier that names no file, and leaves it as it was', () => {
    const code = "import { gone } from './core/missing';";
    expect(rewriteRelativeSpecifiers(code, resolve)).toEqual({ code, unresolved: ['./core/missing'] });
  });

  it('prefers the file over a folder of the same name, as CommonJS does, unless a trailing slash names the folder', () => {
    const both = new Set(['./stores.js', './stores/index.js']);
    expect(explicitSpecifier('./stores', (path) => both.has(path))).toBe('./stores.js');
    expect(explicitSpecifier('./stores/', (path) => both.has(path))).toBe('./stores/index.js');
  });
});
