/** Where the smoke test and the sandbox write what a person reads: the terminal, or a test's buffer. */
export interface SmokeOutput {
  line(text?: string): void;
}

/** Writes to the process's stdout. */
export const consoleOutput: SmokeOutput = { line: (text = '') => process.stdout.write(`${text}\n`) };

/** Collects the lines, for tests. */
export function bufferedOutput(): SmokeOutput & { readonly lines: string[]; text(): string } {
  const lines: string[] = [];
  return { lines, line: (text = '') => lines.push(text), text: () => lines.join('\n') };
}
