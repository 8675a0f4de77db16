import { SmokeRefusal } from './refusal';

/** No region in the environment, the shared config or `--region`: its own class, so a first run can say more. */
export class NoAwsRegion extends SmokeRefusal {
  override readonly name = 'NoAwsRegion';
}

/** What an AWS SDK v3 client resolves from its config: the region and credentials chains. */
export interface ResolvesAwsConfig {
  readonly config: { region(): Promise<string>; credentials(): Promise<unknown> };
}

/** The region a URL names: `https://{id}.execute-api.{region}.amazonaws.com/`, or `undefined`. */
export function regionOfApiUrl(url: string): string | undefined {
  try {
    return /\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(url).hostname)?.[1];
  } catch {
    return undefined;
  }
}

/** The region a Cognito user pool id starts with (`eu-west-1_AbCdEf123`), or `undefined`. */
export function regionOfUserPool(userPoolId: string): string | undefined {
  return /^([a-z]{2}(?:-[a-z]+)+-\d+)_\w+$/.exec(userPoolId)?.[1];
}

/**
 * Resolves the client's region and credentials as every SDK call would (environment, shared
 * config and credentials files, SSO, container or instance roles), before anything is created,
 * and turns "missing" into a refusal that says what to set. From env variables and files this
 * reads no network; only an SSO, container or instance-role source asks an endpoint.
 */
export async function requireAwsEnvironment(client: ResolvesAwsConfig): Promise<{ region: string }> {
  let region: string;
  try {
    region = await client.config.region();
  } catch {
    throw new NoAwsRegion(
      'No AWS region is set.',
      'Set one: export AWS_REGION=eu-west-1 (or a region in your AWS profile), or pass --region <region>.',
    );
  }
  if (!region) throw new NoAwsRegion('No AWS region is set.', 'Set one: export AWS_REGION=eu-west-1, or pass --region <region>.');
  try {
    await client.config.credentials();
  } catch (error) {
    throw new SmokeRefusal(
      `No AWS credentials found (${(error as Error).message}).`,
      'Use a sandbox account: export AWS_PROFILE=<profile> (after `aws configure` or `aws sso login`), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
    );
  }
  return { region };
}
