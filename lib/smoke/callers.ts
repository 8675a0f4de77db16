/** A caller the smoke test signs in as. */
export interface SmokeCaller {
  /** The user name, as the report shows it (tokens and passwords are never printed). */
  readonly name: string;
  /** What the report says the caller is and holds, after the name: `a throwaway Cognito user, signed in: …`. */
  readonly holds: string;
  /** Sent as `Authorization: Bearer …` on every call the caller makes. */
  readonly accessToken: string;
  /** A token of the same user that the API must refuse, where the identity provider issues one. */
  readonly idToken?: string;
}

/**
 * Where the smoke test's callers come from, the one step that differs between AWS and localhost:
 * throwaway Cognito users against a deployed stack, the stand-in's bearer tokens locally.
 */
export interface CallerSource {
  /** One line for the report: who the callers are. */
  readonly description: string;
  /** Why callers have no ID token, when they have none (the ID-token check is then not applicable). */
  readonly noIdTokenReason?: string;
  /** Makes a new caller, distinct from every other one. */
  signIn(label: string): Promise<SmokeCaller>;
  /**
   * Removes every caller `signIn` made or began to make, whatever happened in between.
   * Returns one line per caller removed, and throws only after trying them all.
   */
  cleanUp(): Promise<string[]>;
}

/** Some callers could not be removed: what was, and one line per caller left for the person to delete. */
export class CleanupError extends Error {
  override readonly name = 'CleanupError';

  constructor(
    readonly removed: string[],
    readonly failures: string[],
  ) {
    super(failures.join('\n'));
  }
}
