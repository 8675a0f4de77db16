import { classifyLoaded, LOAD_RULES, loadViolations } from '../../scripts/loaded-modules';

const PACKAGE = '/tmp/consumer/node_modules/lambda-idempotency';

describe('sorting what an entry loaded', () => {
  it("separates the package's own files from other packages, scoped names included", () => {
    expect(
      classifyLoaded(
        [
          `${PACKAGE}/dist/cjs/idempotency/index.js`,
          `${PACKAGE}/dist/cjs/idempotency/core/engine.js`,
          '/work/repo/node_modules/@aws-sdk/client-dynamodb/dist-cjs/index.js',
          '/work/repo/node_modules/@smithy/smithy-client/dist-cjs/index.js',
          '/work/repo/node_modules/aws-cdk-lib/node_modules/yaml/dist/index.js',
          '/tmp/consumer/load-check.cjs',
        ],
        PACKAGE,
      ),
    ).toEqual({
      packageFiles: ['dist/cjs/idempotency/core/engine.js', 'dist/cjs/idempotency/index.js'],
      packages: ['@aws-sdk/client-dynamodb', '@smithy/smithy-client', 'yaml'],
    });
  });
});

describe('the load rules', () => {
  it('fail the root entry when it loads the AWS SDK or the CDK', () => {
    const loaded = { packageFiles: ['dist/esm/idempotency/index.js'], packages: ['@aws-sdk/client-dynamodb', 'aws-cdk-lib'] };
    expect(loadViolations(loaded, LOAD_RULES['.']!)).toEqual(['loads @aws-sdk/client-dynamodb', 'loads aws-cdk-lib']);
  });

  it('pass the root entry that loads only its own files', () => {
    expect(
      loadViolations(
        { packageFiles: ['dist/esm/idempotency/index.js', 'dist/esm/idempotency/core/engine.js'], packages: [] },
        LOAD_RULES['.']!,
      ),
    ).toEqual([]);
  });

  it('fail ./cdk when it loads runtime code of the library, and pass the construct, the entry and the schema', () => {
    const loaded = {
      packageFiles: [
        'dist/cjs/cdk/idempotency-table.js',
        'dist/cjs/cdk/table-props.js',
        'dist/cjs/cdk/index.js',
        'dist/cjs/idempotency/core/engine.js',
        'dist/cjs/idempotency/schema.js',
      ],
      packages: ['aws-cdk-lib', 'constructs'],
    };
    expect(loadViolations(loaded, LOAD_RULES['./cdk']!)).toEqual(["loads the package's dist/cjs/idempotency/core/engine.js"]);
  });
});
