import { randomBytes } from 'node:crypto';

// Crockford's base32 in lower case, its letters in ASCII order, so ids compare as strings the way
// their times compare: DynamoDB sorts the ledger's sort keys byte by byte.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10; // 50 bits of milliseconds: good until the year 37,648
const RANDOM_CHARS = 16; // 80 random bits: ids made in one millisecond do not collide

/** A payment id: `pay_`, 10 characters of creation time, 16 random ones (26, as a ULID). */
export const PAYMENT_ID = /^pay_[0-9a-hjkmnp-tv-z]{26}$/;

let lastMs = 0;

/**
 * A new payment id that sorts after every id this process made before: two made in one millisecond
 * take the next millisecond, so "newest first" is exact for one function instance (across instances,
 * to the clocks' agreement).
 */
export function newPaymentId(now: Date, random: (size: number) => Buffer = randomBytes): string {
  lastMs = Math.max(now.getTime(), lastMs + 1);
  let time = '';
  for (let ms = lastMs, i = 0; i < TIME_CHARS; i++, ms = Math.floor(ms / 32)) time = ALPHABET[ms % 32] + time;
  const bytes = random(RANDOM_CHARS);
  let suffix = '';
  for (let i = 0; i < RANDOM_CHARS; i++) suffix += ALPHABET[bytes[i]! % 32];
  return `pay_${time}${suffix}`;
}

/** Whether `value` has the form of a payment id; checked before any read, so a malformed id costs nothing. */
export function isPaymentId(value: unknown): value is string {
  return typeof value === 'string' && PAYMENT_ID.test(value);
}
