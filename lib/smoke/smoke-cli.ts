import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { apiClient, normalizeBaseUrl } from './api-client';
import { regionOfApiUrl, regionOfUserPool, requireAwsEnvironment } from './aws-environment';
import type { CallerSource } from './callers';
import { cognitoCallers } from './cognito-callers';
import { firstRunRefusal } from './first-run';
import { localCallers } from './local-callers';
import type { SmokeOutput } from './output';
import { EXIT, SmokeRefusal } from './refusal';
import { DEFAULT_STACK_NAME } from '../infra/app-context';
import { SMOKE_USAGE, parseSmokeArgs, type SmokeTarget } from './smoke-args';
import { runSmokeChecks } from './smoke-checks';
import { readStackOutputs, targetFromOutputs } from './stack-outputs';

/** What the CLI reaches the world through; tests point the AWS clients at loopback. */
export interface SmokeCliDeps {
  readonly out: SmokeOutput;
  /** @default a CloudFormation client with the SDK's default chains and `region` if given */
  readonly cloudFormation?: (region: string | undefined) => CloudFormationClient;
  /** @default a Cognito Identity Provider client, likewise */
  readonly cognito?: (region: string | undefined) => CognitoIdentityProviderClient;
  /** Ctrl-C: stops between steps, users still deleted. @default undefined */
  readonly signal?: AbortSignal;
}

const defaultCloudFormation = (region: string | undefined) => new CloudFormationClient(region ? { region } : {});
const defaultCognito = (region: string | undefined) => new CognitoIdentityProviderClient(region ? { region } : {});

/** `npm run smoke -- …`: returns the exit code (0 passed, 1 failed, 2 refused, 130 interrupted). */
export async function runSmokeCli(argv: readonly string[], deps: SmokeCliDeps): Promise<number> {
  const { out } = deps;
  const clients: { destroy(): void }[] = [];
  try {
    const args = parseSmokeArgs(argv);
    if (args.help) {
      out.line(SMOKE_USAGE);
      return EXIT.passed;
    }
    const { apiUrl, callers } = await resolveTarget(args.target, deps, clients).catch((error: unknown) => {
      throw nothingGiven(args.target) && error instanceof SmokeRefusal ? firstRunRefusal(error, DEFAULT_STACK_NAME) : error;
    });
    const summary = await runSmokeChecks({
      api: apiClient(apiUrl, { timeoutMs: args.timeoutMs, signal: deps.signal }),
      callers,
      out,
      signal: deps.signal,
    });
    return summary.failed > 0 || summary.notRun > 0 || summary.cleanupFailures.length > 0 ? EXIT.failed : EXIT.passed;
  } catch (error) {
    if (error instanceof SmokeRefusal) {
      out.line(`Refused: ${error.message}`);
      if (error.hint) out.line(error.hint);
      return EXIT.refused;
    }
    if (deps.signal?.aborted) {
      out.line('Interrupted.');
      return 130;
    }
    throw error;
  } finally {
    for (const client of clients) client.destroy();
  }
}

/** Plain `npm run smoke`: no URL, no region, the default stack. */
function nothingGiven(target: SmokeTarget): boolean {
  return target.mode === 'stack' && target.apiUrl === undefined && target.region === undefined && target.stackName === DEFAULT_STACK_NAME;
}

async function resolveTarget(
  target: SmokeTarget,
  deps: SmokeCliDeps,
  clients: { destroy(): void }[],
): Promise<{ apiUrl: string; callers: CallerSource }> {
  if (target.mode === 'local') return { apiUrl: normalizeBaseUrl(target.apiUrl), callers: localCallers() };

  const given = target.apiUrl === undefined ? undefined : normalizeBaseUrl(target.apiUrl);
  let cognitoTarget: { apiUrl: string; userPoolId: string; clientId: string };
  let region = target.region;
  if (target.mode === 'stack') {
    const cloudFormation = (deps.cloudFormation ?? defaultCloudFormation)(region ?? (given && regionOfApiUrl(given)));
    clients.push(cloudFormation);
    ({ region } = await requireAwsEnvironment(cloudFormation));
    const outputs = await readStackOutputs(cloudFormation, target.stackName, region);
    const fromStack = targetFromOutputs(target.stackName, outputs);
    cognitoTarget = { ...fromStack, apiUrl: given ?? normalizeBaseUrl(fromStack.apiUrl) };
    deps.out.line(`Stack ${target.stackName} in ${region}: API ${fromStack.apiUrl}, user pool ${fromStack.userPoolId}`);
    if (given && given !== normalizeBaseUrl(fromStack.apiUrl)) deps.out.line(`Checking ${given} as asked, not the stack's ApiUrl.`);
  } else {
    cognitoTarget = { apiUrl: given!, userPoolId: target.userPoolId, clientId: target.clientId };
  }

  const cognito = (deps.cognito ?? defaultCognito)(
    regionOfUserPool(cognitoTarget.userPoolId) ?? region ?? regionOfApiUrl(cognitoTarget.apiUrl),
  );
  clients.push(cognito);
  await requireAwsEnvironment(cognito);
  return {
    apiUrl: cognitoTarget.apiUrl,
    callers: cognitoCallers({ client: cognito, userPoolId: cognitoTarget.userPoolId, clientId: cognitoTarget.clientId }),
  };
}
