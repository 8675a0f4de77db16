import { randomInt } from 'node:crypto';

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
// Symbols Cognito counts as special characters; none that a shell or JSON would need to escape.
const SYMBOLS = '!#%+-.:=?@^_~';
const CLASSES = [LOWER, UPPER, DIGITS, SYMBOLS];
const ALL = CLASSES.join('');

/**
 * A random password that meets any Cognito password policy (at most 99 characters, every class
 * required): one character of each class, the rest from all of them, shuffled. From the CSPRNG.
 *
 * @param length how many characters @default 32
 */
export function strongPassword(length = 32, pick: (max: number) => number = randomInt): string {
  if (!Number.isInteger(length) || length < CLASSES.length || length > 99)
    throw new TypeError(`Expected \`length\` to be an integer from 4 to 99, got ${length}`);
  const chars = CLASSES.map((set) => set[pick(set.length)]!);
  while (chars.length < length) chars.push(ALL[pick(ALL.length)]!);
  // Fisher–Yates, so the guaranteed characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
