/** The checks every wrapper runs on its options once, when a handler is wrapped: each names the bad option. */

/** A short, safe rendering of a bad option value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/**
 * Throws the `TypeError` every option check words alike, "Expected `name` to <wanted>, got <value, described>":
 * one shape, built in one place, so that each check carries only its own words.
 */
export function refuseOption(name: string, wanted: string, value: unknown): never {
  throw new TypeError(`Expected \`${name}\` to ${wanted}, got ${describe(value)}`);
}

/** Throws a `TypeError` naming `name` unless `value` is an integer of at least `min`. */
export function assertInteger(name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const wanted = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer >= ${min}`;
    refuseOption(name, `be ${wanted}`, value);
  }
}

/** Throws a `TypeError` naming `name` unless `value` is a number strictly between 0 and 1. */
export function assertFraction(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    refuseOption(name, 'be a number between 0 and 1 (exclusive)', value);
  }
}

/** Throws a `TypeError` naming `name` unless `value` is a function (or absent when `optional`). */
export function assertFunction(name: string, value: unknown, optional: boolean): void {
  if (value === undefined && optional) return;
  if (typeof value !== 'function') refuseOption(name, 'be a function', value);
}

/** Throws a `TypeError` naming `name` unless `value` is one of `allowed`. */
export function assertOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    const list = allowed.map((item) => `'${item}'`).join(' or ');
    refuseOption(name, `be ${list}`, value);
  }
}

/** Throws a `TypeError` naming `name` unless `value` starts like an absolute URI (`scheme:`). */
export function assertUriPrefix(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    refuseOption(name, 'be an absolute URI prefix', value);
  }
}

/** Throws a `TypeError` unless `options` is a plain object. */
export function assertOptionsObject(options: unknown): asserts options is Record<string, unknown> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`Expected options to be an object, got ${describe(options)}`);
  }
}

/**
 * Refuses option keys the wrapper does not know, naming the closest known one: in plain JavaScript a
 * typo (`inflightWaitMs`) would otherwise change nothing, silently.
 */
export function assertKnownOptions(options: object, known: readonly string[], wrapper: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const closest = closestName(key, known);
    const hint = closest ? `; did you mean \`${closest}\`?` : '';
    throw new TypeError(`Unknown option \`${key}\` for ${wrapper}${hint}`);
  }
}

/** The known name nearest to `name` (case-insensitive edit distance), if it is near enough to be a typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
