/**
 * Why the smoke test (or the sandbox) will not start: a missing argument, no credentials, an API
 * that does not answer, a stack without the outputs it needs. Nothing was created when it is thrown.
 */
export class SmokeRefusal extends Error {
  override readonly name: string = 'SmokeRefusal';

  constructor(
    message: string,
    /** What to do about it, printed under the message. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Exit codes of `npm run smoke` and `npm run sandbox`. */
export const EXIT = { passed: 0, failed: 1, refused: 2 } as const;
