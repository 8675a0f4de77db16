import { parseArgs } from 'node:util';
import { DEFAULT_STACK_NAME } from '../infra/app-context';
import { SmokeRefusal } from './refusal';

/** What `npm run smoke -- …` was asked to check, and with which callers. */
export type SmokeTarget =
  /** The local API (`npm start`): callers are the stand-in's bearer tokens. */
  | { readonly mode: 'local'; readonly apiUrl: string }
  /** A deployed API whose user pool and app client are given: no CloudFormation call. */
  | { readonly mode: 'cognito'; readonly apiUrl: string; readonly userPoolId: string; readonly clientId: string; readonly region?: string }
  /** A deployed stack: its outputs name the API (unless a URL is given), the user pool and the app client. */
  | { readonly mode: 'stack'; readonly apiUrl?: string; readonly stackName: string; readonly region?: string };

/** Parsed arguments: the target and the per-request timeout. */
export type SmokeArgs = { readonly help: true } | { readonly help?: false; readonly target: SmokeTarget; readonly timeoutMs: number };

/** Where `npm start` serves the local API. */
export const LOCAL_API_URL = 'http://localhost:3000/';

/** What `npm run smoke -- --help` prints. */
export const SMOKE_USAGE = `Usage: npm run smoke -- [<api-url>] [options]

Checks a deployed payment API end to end, in 8 checks: no token is refused (GET, POST), a
throwaway Cognito user pays twice with one Idempotency-Key (201, then the same body replayed),
an ID token is refused, a second user with the same key gets a payment of their own, and each
lists exactly one payment. The users are deleted afterwards. Right after npm start, check the
local API instead: npm run smoke -- http://localhost:3000 (the ID-token check is N/A there).

  <api-url>              the API's invoke URL (default: the stack's ApiUrl output)
  --stack <name>         read ApiUrl, UserPoolId and UserPoolClientId from this stack (default ${DEFAULT_STACK_NAME})
  --user-pool-id <id>    with --client-id and <api-url>: use these, read no stack
  --client-id <id>
  --region <region>      default: the region in <api-url>, else AWS_REGION or your profile's
  --local                the local API (npm start): made-up names as bearer tokens, no AWS;
                         the default for a localhost URL, with or without http:// (${LOCAL_API_URL}
                         when none is given)
  --timeout <seconds>    how long one request may take (default 15)
  -h, --help

Exit code: 0 no check failed, 1 a check failed or did not run (a caller could not sign in) or a user
could not be deleted, 2 refused to start.`;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/** `127.0.0.1:3000`, `localhost:3000/`, `[::1]:3000`: a loopback address written without a scheme. */
const LOOPBACK_WITHOUT_SCHEME = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?(?:\/\S*)?$/i;
/** `api.example.com/prod`: a host (and path) that only lacks its scheme; anything else is left to fail as "not a URL". */
const HOST_WITHOUT_SCHEME = /^[a-z\d-]+(?:\.[a-z\d-]+)+(?::\d+)?(?:\/\S*)?$/i;

/**
 * Adds `http://` to a loopback address written without a scheme: the local API (`npm start`) serves
 * plain HTTP there and nothing leaves the machine, so the scheme is not a guess. Any other host is
 * refused with the https:// form to write: guessing http would send a token in clear, guessing https may be wrong.
 */
function withScheme(url: string | undefined): string | undefined {
  if (url === undefined || /^[a-z][a-z\d+.-]*:\/\//i.test(url)) return url;
  if (LOOPBACK_WITHOUT_SCHEME.test(url)) return `http://${url}`;
  if (HOST_WITHOUT_SCHEME.test(url))
    throw new SmokeRefusal(`${JSON.stringify(url)} has no scheme.`, `Write it in full: npm run smoke -- https://${url}`);
  return url;
}

function isLoopback(url: string): boolean {
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Parses `npm run smoke` arguments; a contradiction or an unknown option is a refusal, before anything runs. */
export function parseSmokeArgs(argv: readonly string[]): SmokeArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        stack: { type: 'string' },
        'user-pool-id': { type: 'string' },
        'client-id': { type: 'string' },
        region: { type: 'string' },
        local: { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new SmokeRefusal((error as Error).message, SMOKE_USAGE);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length > 1)
    throw new SmokeRefusal(`Expected at most one API URL, got ${positionals.length}: ${positionals.join(' ')}`, SMOKE_USAGE);
  const apiUrl = withScheme(positionals[0]);
  const timeoutMs = parseTimeout(values.timeout);
  const userPoolId = values['user-pool-id'];
  const clientId = values['client-id'];
  const region = values.region;

  if ((userPoolId === undefined) !== (clientId === undefined))
    throw new SmokeRefusal('--user-pool-id and --client-id go together.', SMOKE_USAGE);
  const cognitoOptions = values.stack !== undefined || userPoolId !== undefined;
  if (values.local && (cognitoOptions || region !== undefined))
    throw new SmokeRefusal('--local takes no --stack, --user-pool-id, --client-id or --region: it uses no AWS.', SMOKE_USAGE);

  if (values.local || (apiUrl !== undefined && isLoopback(apiUrl) && !cognitoOptions)) {
    return { target: { mode: 'local', apiUrl: apiUrl ?? LOCAL_API_URL }, timeoutMs };
  }
  if (userPoolId !== undefined && clientId !== undefined) {
    if (values.stack !== undefined)
      throw new SmokeRefusal('Give either --stack or --user-pool-id with --client-id, not both.', SMOKE_USAGE);
    if (apiUrl === undefined) throw new SmokeRefusal('With --user-pool-id and --client-id, give the API URL too.', SMOKE_USAGE);
    return { target: { mode: 'cognito', apiUrl, userPoolId, clientId, ...(region && { region }) }, timeoutMs };
  }
  return {
    target: { mode: 'stack', stackName: values.stack ?? DEFAULT_STACK_NAME, ...(apiUrl && { apiUrl }), ...(region && { region }) },
    timeoutMs,
  };
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return 15_000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300)
    throw new SmokeRefusal(`Expected --timeout to be seconds from 0 to 300, got ${JSON.stringify(value)}`);
  return Math.round(seconds * 1000);
}
