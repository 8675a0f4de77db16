import { NoAwsRegion } from './aws-environment';
import { SmokeRefusal } from './refusal';
import { LOCAL_API_URL } from './smoke-args';

/** The line that tells a first run, right after `npm start`, how to check the local API. */
export const LOCAL_API_HINT = `For the local API (npm start): npm run smoke -- ${LOCAL_API_URL.replace(/\/$/, '')}`;

/**
 * A refusal met on the way to the default stack when the run was given nothing (no URL, stack or
 * region): most likely a first try right after `npm start`, so it names the local API first. Without
 * a region there is nothing to check at all, and the message says that rather than asking for AWS.
 */
export function firstRunRefusal(refusal: SmokeRefusal, stackName: string): SmokeRefusal {
  if (refusal instanceof NoAwsRegion)
    return new SmokeRefusal(
      `Nothing to check: no API URL was given, and no AWS region is set to find the ${stackName} stack in.`,
      `${LOCAL_API_HINT}\nFor the deployed ${stackName} stack: export AWS_REGION=eu-west-1 (or a region in your AWS profile), ` +
        'or pass --region <region>. npm run smoke -- --help lists the rest.',
    );
  return new SmokeRefusal(refusal.message, [LOCAL_API_HINT, refusal.hint].filter(Boolean).join('\n'));
}
