import { partitionDiagnostics, splitDiagnostics } from '../../scripts/tsc-diagnostics';

const OUTPUT = `../../repo/node_modules/aws-cdk-lib/core/lib/stack-synthesizers/legacy.d.ts(26,22): error TS2420: Class 'LegacyStackSynthesizer' incorrectly implements interface 'IBoundStackSynthesizer'.
  Types of property 'bootstrapQualifier' are incompatible.
node_modules/lambda-idempotency/dist/esm/idempotency/core/store.d.ts(40,5): error TS2300: Duplicate identifier 'id'.
handler.ts(3,10): error TS2305: Module '"lambda-idempotency"' has no exported member 'DynamoDbStore'.
error TS2688: Cannot find type definition file for 'node'.
`;

describe('reading tsc diagnostics', () => {
  it('keeps each diagnostic with its indented detail lines', () => {
    const diagnostics = splitDiagnostics(OUTPUT);
    expect(diagnostics).toHaveLength(4);
    expect(diagnostics[0]).toMatch(/LegacyStackSynthesizer[^]*bootstrapQualifier/);
  });

  it("sets aside only the named packages' own declarations; ours, the consumer's and global errors count", () => {
    const { ours, foreign } = partitionDiagnostics(splitDiagnostics(OUTPUT), ['aws-cdk-lib']);
    expect(foreign).toHaveLength(1);
    expect(ours.map((d) => d.split('(')[0])).toEqual([
      'node_modules/lambda-idempotency/dist/esm/idempotency/core/store.d.ts',
      'handler.ts',
      "error TS2688: Cannot find type definition file for 'node'.",
    ]);
  });
});
