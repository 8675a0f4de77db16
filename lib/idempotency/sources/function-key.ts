import { createHash } from 'node:crypto';
import { IdempotencyKeyInvalidError } from '../errors';
import { describeKeyProblem, keyProblem } from '../core/key-rules';

/**
 * Pure: the key `idempotentFunction` hands the engine for what the `key` option returned. A string is a key of
 * one member, so `'a'` and `['a']` are the same key; the members are joined as a JSON array (quoted, so
 * `['a,b']` and `['a', 'b']` never meet) and hashed (sha256), so a long composite key still fits the key rules.
 * Throws `IdempotencyKeyInvalidError`, naming the offending member, for anything else: nothing runs.
 */
export function functionKey(key: unknown): string {
  const members: unknown = typeof key === 'string' ? [key] : key;
  if (!Array.isArray(members)) {
    throw new IdempotencyKeyInvalidError(
      `The key function must return a string or an array of strings, got ${key === null ? 'null' : typeof key}.`,
    );
  }
  if (members.length === 0)
    throw new IdempotencyKeyInvalidError('The key function returned an empty array; a key needs at least one member.');
  members.forEach((member, index) => {
    const noun = Array.isArray(key) ? `The key's member ${index}` : 'The key';
    if (typeof member !== 'string')
      throw new IdempotencyKeyInvalidError(`${noun} is ${member === null ? 'null' : typeof member}, not a string.`);
    const problem = keyProblem(member);
    if (problem) throw new IdempotencyKeyInvalidError(describeKeyProblem(problem, noun));
  });
  return createHash('sha256').update(JSON.stringify(members)).digest('hex');
}
