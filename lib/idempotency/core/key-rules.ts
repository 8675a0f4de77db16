import { IdempotencyKeyInvalidError } from '../errors';

/** What makes an idempotency key acceptable, as a pure rule each adapter words in its own noun. */

/** The longest idempotency key accepted, in characters. */
export const MAX_KEY_LENGTH = 255;

// C0 controls, DEL and C1 controls: invisible in logs and a classic injection vector.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Why a key is refused, or `undefined` when it is fine. */
export type KeyProblem =
  | { readonly kind: 'empty' }
  | { readonly kind: 'too-long'; readonly length: number }
  | { readonly kind: 'control-characters' };

/** Pure: the problem with `key`, if any: empty, over 255 characters, or with control characters. */
export function keyProblem(key: string): KeyProblem | undefined {
  if (key.length === 0) return { kind: 'empty' };
  if (key.length > MAX_KEY_LENGTH) return { kind: 'too-long', length: key.length };
  if (CONTROL_CHARACTERS.test(key)) return { kind: 'control-characters' };
  return undefined;
}

/** The problem as a sentence about `noun` ("The idempotency key", "The event id"). */
export function describeKeyProblem(problem: KeyProblem, noun: string): string {
  switch (problem.kind) {
    case 'empty':
      return `${noun} is empty.`;
    case 'too-long':
      return `${noun} is ${problem.length} characters long; at most ${MAX_KEY_LENGTH} are allowed.`;
    case 'control-characters':
      return `${noun} contains control characters.`;
  }
}

/** Throws `IdempotencyKeyInvalidError` unless `key` is 1 to 255 characters with no control characters. */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new IdempotencyKeyInvalidError(describeKeyProblem(problem, 'The idempotency key'));
}
