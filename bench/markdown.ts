/** Milliseconds (or any figure) to two decimals. */
export const ms = (value: number) => value.toFixed(2);
/** `+1.23` or `−1.23`. */
export const signed = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;

/** A markdown table with its columns padded, so it reads the same in a terminal as rendered. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** `2: PutItem + UpdateItem`, or `0`. */
export function describeCommands(commands: Readonly<Record<string, number>>, total: number): string {
  const parts = Object.entries(commands).map(([name, n]) => `${n > 1 ? `${n}× ` : ''}${name.replace(/Command$/, '')}`);
  return parts.length ? `${total}: ${parts.join(' + ')}` : '0';
}
