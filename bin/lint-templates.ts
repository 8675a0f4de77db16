import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, RemovalPolicy } from 'aws-cdk-lib';
import { PaymentApiStack } from '../lib/infra/payment-api-stack';

/**
 * `npm run lint:templates` (part of `npm test`): synthesizes the example stack, with the tables kept
 * and with them destroyed, and runs cfn-lint on both templates beside cdk-nag's checks. Every finding
 * fails, unless it is acknowledged below with a reason. Without cfn-lint on the PATH it says so and
 * lints nothing (exit 0); `CFN_LINT_REQUIRED=1` makes that a failure.
 */
const ACKNOWLEDGED: readonly { rule: string; path: RegExp; reason: string }[] = [
  {
    rule: 'W3005',
    path: /^Resources\/(PaymentFunction|FulfilmentFunction|FulfilmentDispatcherFunction)[0-9A-F]{8}\/DependsOn\//,
    reason:
      "aws-cdk-lib makes a function depend on its role and the role's policy, so it is created only once it may log and read its tables; the GetAtt on the role makes one of the two redundant, which is harmless.",
  },
];
const REGIONS = ['us-east-1', 'eu-west-1'];

function cfnLintVersion(): string | undefined {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  return probe.error || probe.status !== 0 ? undefined : probe.stdout.trim();
}

interface Finding {
  Filename: string;
  Level: string;
  Message: string;
  Location: { Path: (string | number)[]; Start: { LineNumber: number } };
  Rule: { Id: string };
}

function synthesize(outdir: string): string[] {
  // No bundling: the templates are what is linted, and they differ from `cdk synth`'s only in the asset hash.
  const { context } = JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const app = new App({ outdir, context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  new PaymentApiStack(app, 'PaymentApi');
  new PaymentApiStack(app, 'PaymentApiSandbox', { tableRemovalPolicy: RemovalPolicy.DESTROY });
  app.synth();
  return readdirSync(outdir)
    .filter((name) => name.endsWith('.template.json'))
    .map((name) => join(outdir, name));
}

function main(): number {
  const version = cfnLintVersion();
  if (!version) {
    const message =
      "cfn-lint is not on the PATH: the synthesized templates were NOT linted. It comes with this project's machine image; elsewhere install it (pip install cfn-lint).";
    console.warn(`lint:templates: ${message}`);
    return process.env.CFN_LINT_REQUIRED === '1' ? 1 : 0;
  }
  const outdir = mkdtempSync(join(tmpdir(), 'cfn-lint-'));
  try {
    const templates = synthesize(outdir);
    const run = spawnSync('cfn-lint', ['--format', 'json', '--regions', ...REGIONS, '--', ...templates], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error || (run.status !== 0 && run.stdout.trim() === '')) {
      console.error(`lint:templates: cfn-lint failed to run: ${run.error?.message ?? run.stderr}`);
      return 1;
    }
    const findings = JSON.parse(run.stdout || '[]') as Finding[];
    const open: Finding[] = [];
    for (const finding of findings) {
      const path = finding.Location.Path.join('/');
      const acknowledged = ACKNOWLEDGED.find((ack) => ack.rule === finding.Rule.Id && ack.path.test(path));
      if (acknowledged) console.log(`lint:templates: acknowledged ${finding.Rule.Id} at ${path}: ${acknowledged.reason}`);
      else open.push(finding);
    }
    for (const finding of open)
      console.error(`${finding.Filename}:${finding.Location.Start.LineNumber} ${finding.Level} ${finding.Rule.Id} ${finding.Message}`);
    console.log(
      `lint:templates: ${version} on ${templates.length} templates (${REGIONS.join(', ')}): ${open.length} findings, ${findings.length - open.length} acknowledged`,
    );
    return open.length === 0 ? 0 : 1;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

process.exitCode = main();
