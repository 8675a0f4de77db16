/**
 * DynamoDB's condition and update expressions on plain items, for `MemoryStore`'s transactions: the common
 * subset (comparisons, AND/OR/NOT, parentheses, attribute_exists, attribute_not_exists, begins_with; SET with
 * `+`/`-` and if_not_exists, REMOVE, ADD on numbers) on top-level attributes. Anything else throws a `TypeError`
 * naming it, so a test never passes on an expression the memory store only pretended to understand.
 */

/** An item in document form. */
export type Doc = Record<string, unknown>;

/** Placeholders of one expression: `#name`s and `:value`s (document form). */
export interface Placeholders {
  readonly names?: Record<string, string> | undefined;
  readonly values?: Doc | undefined;
}

const TOKEN = /\s*(<>|<=|>=|[=<>(),+\-]|[#:]?[A-Za-z_][A-Za-z0-9_]*|\S)/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while (TOKEN.lastIndex < expression.length && (match = TOKEN.exec(expression))) tokens.push(match[1]!);
  if (tokens.some((token) => token === '.' || token === '['))
    throw new TypeError(`MemoryStore supports top-level attributes only, not nested paths: ${expression}`);
  return tokens;
}

class Reader {
  private at = 0;
  constructor(
    private readonly tokens: string[],
    private readonly source: string,
    private readonly p: Placeholders,
  ) {}
  peek(): string | undefined {
    return this.tokens[this.at];
  }
  keyword(word: string): boolean {
    if (this.peek()?.toUpperCase() !== word) return false;
    this.at++;
    return true;
  }
  take(expected?: string): string {
    const token = this.tokens[this.at++];
    if (token === undefined || (expected !== undefined && token !== expected))
      throw new TypeError(
        `MemoryStore cannot read the expression (expected ${expected ?? 'more'} at ${token ?? 'the end'}): ${this.source}`,
      );
    return token;
  }
  done(): boolean {
    return this.at >= this.tokens.length;
  }
  name(token = this.take()): string {
    if (token.startsWith('#')) {
      const name = this.p.names?.[token];
      if (name === undefined)
        throw new TypeError(`The expression uses ${token}, which ExpressionAttributeNames does not define: ${this.source}`);
      return name;
    }
    if (!/^[A-Za-z_]/.test(token)) throw new TypeError(`MemoryStore expected an attribute name, got ${token}: ${this.source}`);
    return token;
  }
  value(token: string): unknown {
    if (!this.p.values || !(token in this.p.values))
      throw new TypeError(`The expression uses ${token}, which ExpressionAttributeValues does not define: ${this.source}`);
    return this.p.values[token];
  }
}

/** Whether `item` (absent: `undefined`) meets `expression`; no expression is always met. */
export function meetsCondition(item: Doc | undefined, expression: string | undefined, p: Placeholders): boolean {
  if (expression === undefined) return true;
  const r = new Reader(tokenize(expression), expression, p);
  const result = or(r, item ?? {});
  if (!r.done()) throw new TypeError(`MemoryStore cannot read the rest of the condition at ${r.peek()}: ${expression}`);
  return result;
}

function or(r: Reader, item: Doc): boolean {
  let result = and(r, item);
  while (r.keyword('OR')) result = and(r, item) || result;
  return result;
}

function and(r: Reader, item: Doc): boolean {
  let result = not(r, item);
  while (r.keyword('AND')) result = not(r, item) && result;
  return result;
}

function not(r: Reader, item: Doc): boolean {
  if (r.keyword('NOT')) return !not(r, item);
  if (r.peek() === '(') {
    r.take('(');
    const result = or(r, item);
    r.take(')');
    return result;
  }
  const fn = r.peek()?.toLowerCase();
  if (fn === 'attribute_exists' || fn === 'attribute_not_exists' || fn === 'begins_with') {
    r.take();
    r.take('(');
    const name = r.name();
    let prefix: unknown;
    if (fn === 'begins_with') {
      r.take(',');
      prefix = operand(r, item);
    }
    r.take(')');
    if (fn === 'begins_with')
      return typeof item[name] === 'string' && typeof prefix === 'string' && (item[name] as string).startsWith(prefix);
    return (item[name] !== undefined) === (fn === 'attribute_exists');
  }
  const left = operand(r, item);
  const op = r.take();
  const right = operand(r, item);
  return compare(left, op, right);
}

function operand(r: Reader, item: Doc): unknown {
  const token = r.take();
  return token.startsWith(':') ? r.value(token) : item[r.name(token)];
}

function compare(left: unknown, op: string, right: unknown): boolean {
  if (left === undefined || right === undefined) return op === '<>' && left !== right;
  const same = JSON.stringify(left) === JSON.stringify(right);
  if (op === '=') return same;
  if (op === '<>') return !same;
  if (typeof left !== typeof right || (typeof left !== 'number' && typeof left !== 'string')) return false;
  const a = left as number | string;
  const b = right as number | string;
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
  throw new TypeError(`MemoryStore does not support the comparator ${op}`);
}

/** `item` with `expression` applied (SET, REMOVE, ADD); the keys stay as they are. */
export function applyUpdate(item: Doc, expression: string, p: Placeholders): Doc {
  const r = new Reader(tokenize(expression), expression, p);
  const next: Doc = { ...item };
  while (!r.done()) {
    const clause = r.take().toUpperCase();
    do {
      if (clause === 'SET') {
        const name = r.name();
        r.take('=');
        let value = setOperand(r, item);
        while (r.peek() === '+' || r.peek() === '-') {
          const sign = r.take();
          const other = setOperand(r, item);
          if (typeof value !== 'number' || typeof other !== 'number')
            throw new TypeError(`An operand of ${sign} is not a number: ${expression}`);
          value = sign === '+' ? value + other : value - other;
        }
        next[name] = value;
      } else if (clause === 'REMOVE') {
        delete next[r.name()];
      } else if (clause === 'ADD') {
        const name = r.name();
        const amount = r.value(r.take());
        if (typeof amount !== 'number') throw new TypeError(`MemoryStore supports ADD on numbers only: ${expression}`);
        next[name] = ((item[name] as number | undefined) ?? 0) + amount;
      } else {
        throw new TypeError(`MemoryStore does not support the update clause ${clause}: ${expression}`);
      }
    } while (r.peek() === ',' && r.take(','));
  }
  return next;
}

function setOperand(r: Reader, item: Doc): unknown {
  if (r.peek()?.toLowerCase() === 'if_not_exists') {
    r.take();
    r.take('(');
    const name = r.name();
    r.take(',');
    const fallback = setOperand(r, item);
    r.take(')');
    return item[name] ?? fallback;
  }
  return operand(r, item);
}
