// Integers of up to 15 digits are exact doubles that print back as written.
const SAFE_INTEGER = /^-?(?:0|[1-9]\d{0,14})$/;
const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * The canonical text of a JSON number literal (or of a BigInt's digits). A literal that a double holds
 * exactly prints as RFC 8785 does (ECMAScript's shortest form: `1.50` and `15e-1` print `1.5`), so
 * ordinary bodies fingerprint as before. A literal no double holds (`1e400`, which parses to Infinity,
 * or `9007199254740993`, which parses to …992) prints as its exact decimal value after `#`, which no
 * JSON number begins with: it never meets `null`, another literal's double, or another literal.
 */
export function canonicalNumber(literal: string): string {
  if (SAFE_INTEGER.test(literal)) return literal === '-0' ? '0' : literal;
  const value = Number(literal);
  const shortest = Number.isFinite(value) ? String(value) : undefined;
  if (shortest === literal) return literal; // what serialisers write: nothing to normalise
  const exact = exactDecimal(literal);
  if (exact === undefined) throw new TypeError(`Not a JSON number: ${literal.slice(0, 40)}`);
  return shortest !== undefined && exactDecimal(shortest) === exact ? shortest : `#${exact}`;
}

/**
 * `±digits e exponent` with no leading or trailing zeros in the digits: one spelling per decimal value
 * (`0` for every zero, whatever its sign or exponent).
 */
function exactDecimal(literal: string): string | undefined {
  const match = NUMBER.exec(literal);
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const all = whole + fraction;
  let first = 0;
  while (first < all.length && all.charCodeAt(first) === 48) first++;
  if (first === all.length) return '0';
  let end = all.length;
  while (all.charCodeAt(end - 1) === 48) end--;
  const digits = all.slice(first, end);
  const shift = all.length - end - fraction.length;
  const magnitude = exponent.replace(/^[+-]?0*/, '');
  if (magnitude.length <= 15) return `${sign}${digits}e${Number(exponent) + shift}`; // exact: below 2^53
  // An exponent of 16 digits or more names no real quantity; it stays as spelt, with the shift beside
  // it: still one text per spelling, never one for two values (and no BigInt of megabytes to print).
  return `${sign}${digits}e${exponent}${shift < 0 ? '' : '+'}${shift}`;
}
