import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps, type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The repository root (where cdk.json lives). */
export const REPO_ROOT = join(__dirname, '..', '..');

/** cdk.json's context (feature flags), so tests synthesize under the same flags as `cdk synth`. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/**
 * An App with cdk.json's flags. `bundle: false` (the default) skips esbuild: template tests need
 * the asset's place in the template, not its contents. `bundle: true` bundles as `cdk synth`
 * does, and records each asset's directory in its resource's metadata, as the CLI asks for.
 */
export function testApp(options: { readonly bundle?: boolean } & Omit<AppProps, 'context'> = {}): App {
  const { bundle = false, ...props } = options;
  const bundling = bundle ? { 'aws:cdk:enable-asset-metadata': true } : { 'aws:cdk:bundling-stacks': [] };
  return new App({ ...props, context: { ...cdkJsonContext(), ...bundling } });
}

/** The logical id of a construct's CloudFormation resource (`{ Ref }` and `Fn::GetAtt` use it). */
export function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}
