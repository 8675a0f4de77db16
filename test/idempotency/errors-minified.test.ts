import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import * as errors from '../../lib/idempotency/errors';

/**
 * Users bundle with minification (the size budget's settings), which renames classes: an error's `name` must not
 * come from its class's runtime name, or logs read `r: Could not claim …` instead of `IdempotencyStoreError: …`.
 */
describe("errors' names in a minified bundle", () => {
  const ERROR_CLASSES = Object.entries(errors).filter(
    ([name, value]) => typeof value === 'function' && name.endsWith('Error') && name !== 'IdempotencyError',
  );

  it('are the class names users match and read in logs', () => {
    const bundled = buildSync({
      entryPoints: [join(__dirname, '../../lib/idempotency/errors.ts')],
      bundle: true,
      minify: true,
      format: 'cjs',
      platform: 'node',
      target: 'node22',
      write: false,
    }).outputFiles[0]!.text;
    const module = { exports: {} as Record<string, new (...args: unknown[]) => Error> };
    runInNewContext(bundled, { module, exports: module.exports });
    expect(ERROR_CLASSES.length).toBeGreaterThanOrEqual(11);
    for (const [name] of ERROR_CLASSES) {
      const ErrorClass = module.exports[name]!;
      const args = name === 'IdempotencyWriteConditionError' ? [[]] : ['a message'];
      expect(new ErrorClass(...args).name).toBe(name);
    }
  });
});
