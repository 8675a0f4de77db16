import { canonicalNumber } from './canonical-number';

// An open container: its members' texts so far (an array's under the name ''), and the name being read.
interface Frame {
  readonly object: boolean;
  readonly members: [key: string, text: string][];
  key: string;
  keyText: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// What a string token needs decoded or JSON.stringify escapes: backslashes, controls, lone surrogates.
const NOT_VERBATIM = /[\u0000-\u001f\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * How deep a body is canonicalised; a deeper one is compared byte for byte. Real documents stay far
 * below it (Jackson refuses past 1000 by default); a hostile one then costs no more than its bytes.
 */
export const MAX_DEPTH = 1000;

/**
 * JSON text (RFC 8259, what `JSON.parse` accepts) as canonical JSON; `undefined` if it is not JSON or
 * nests deeper than `maxDepth`, so that the caller compares its bytes instead.
 * Read straight from the text, without building objects, so that:
 * - every member counts: `__proto__` is a member like any other, and a repeated name stays repeated
 *   (in document order), since parsers disagree on which one wins;
 * - numbers keep their exact value (see `canonicalNumber`): `1e400` is not `null`, and two integers
 *   past 2^53 are not one;
 * - nesting has no limit but memory: a loop with its own stack, never recursion.
 * For ordinary JSON the result equals `canonicalJson(JSON.parse(text))`, RFC 8785's form.
 */
export function canonicalJsonText(source: string, maxDepth = MAX_DEPTH): string | undefined {
  const stack: Frame[] = [];
  let at = skipSpace(source, 0);
  for (;;) {
    // A value starts at `at`: a leaf becomes `value`; a container opens a frame and loops for its first child.
    let value: string;
    const char = source.charCodeAt(at);
    if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      if (stack.length >= maxDepth) return undefined;
      const close = char === 0x7b ? 0x7d : 0x5d;
      at = skipSpace(source, at + 1);
      if (source.charCodeAt(at) === close) {
        value = char === 0x7b ? '{}' : '[]';
        at++;
      } else {
        const frame: Frame = { object: char === 0x7b, members: [], key: '', keyText: '' };
        if (frame.object) at = readKey(source, at, frame);
        if (at < 0) return undefined;
        stack.push(frame);
        continue;
      }
    } else {
      const leaf = readLeaf(source, at);
      if (!leaf) return undefined;
      [value, at] = leaf;
    }

    // A value is complete: hand it to its container, then read a comma or close containers.
    for (;;) {
      const top = stack.at(-1);
      at = skipSpace(source, at);
      if (!top) return at === source.length ? value : undefined;
      top.members.push(top.object ? [top.key, `${top.keyText}:${value}`] : ['', value]);
      const next = source.charCodeAt(at);
      if (next === 0x2c /* , */) {
        at = skipSpace(source, at + 1);
        if (top.object) at = readKey(source, at, top);
        if (at < 0) return undefined;
        break;
      }
      if (next !== (top.object ? 0x7d : 0x5d)) return undefined;
      at++;
      stack.pop();
      value = closeFrame(top);
    }
  }
}

/** Reads `"name" :` into the frame; the index after the colon and its spaces, or -1. */
function readKey(source: string, at: number, frame: { key: string; keyText: string }): number {
  const key = readString(source, at);
  if (!key) return -1;
  [frame.key, frame.keyText, at] = key;
  at = skipSpace(source, at);
  if (source.charCodeAt(at) !== 0x3a /* : */) return -1;
  return skipSpace(source, at + 1);
}

function closeFrame({ object, members }: Frame): string {
  // Stable: repeated names keep their order. Code-unit order, as RFC 8785 sorts.
  if (object) members.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let text = '';
  for (let i = 0; i < members.length; i++) text += (i > 0 ? ',' : '') + members[i]![1];
  return object ? `{${text}}` : `[${text}]`;
}

function readLeaf(source: string, at: number): [text: string, end: number] | undefined {
  const char = source.charCodeAt(at);
  if (char === 0x22 /* " */) {
    const string = readString(source, at);
    return string && [string[1], string[2]];
  }
  for (const literal of ['true', 'false', 'null']) {
    if (source.startsWith(literal, at)) return [literal, at + literal.length];
  }
  NUMBER.lastIndex = at;
  const number = NUMBER.exec(source);
  return number ? [canonicalNumber(number[0]), at + number[0].length] : undefined;
}

/** A string token: its value, its canonical text (as `JSON.stringify` writes it) and the index after it. */
function readString(source: string, at: number): [value: string, text: string, end: number] | undefined {
  if (source.charCodeAt(at) !== 0x22) return undefined;
  let end = at;
  for (;;) {
    end = source.indexOf('"', end + 1);
    if (end < 0) return undefined;
    let backslashes = 0;
    while (source.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) break; // an even run escapes itself, not the quote
  }
  const token = source.slice(at, end + 1);
  if (!NOT_VERBATIM.test(token)) return [token.slice(1, -1), token, end + 1]; // the common case
  let value: string;
  try {
    value = JSON.parse(token) as string; // validates the escapes and refuses raw control characters
  } catch {
    return undefined;
  }
  return [value, JSON.stringify(value), end + 1];
}

function skipSpace(source: string, at: number): number {
  let index = at;
  for (;;) {
    const char = source.charCodeAt(index);
    if (char !== 0x20 && char !== 0x09 && char !== 0x0a && char !== 0x0d) return index;
    index++;
  }
}
