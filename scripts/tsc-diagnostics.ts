/** tsc's diagnostics, one string each: a line that starts at column 0, and the indented lines under it. */
export function splitDiagnostics(output: string): string[] {
  const diagnostics: string[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line) && diagnostics.length > 0) diagnostics[diagnostics.length - 1] += `\n${line}`;
    else diagnostics.push(line);
  }
  return diagnostics;
}

/**
 * Splits diagnostics into those located in the declarations of one of `foreignPackages` (their own
 * errors, which no setting of ours can fix) and all the others, which are ours or the consumer's.
 */
export function partitionDiagnostics(diagnostics: readonly string[], foreignPackages: readonly string[]): { ours: string[]; foreign: string[] } {
  const isForeign = (diagnostic: string) => {
    const location = /^(\S[^(]*)\(\d+,\d+\): /.exec(diagnostic)?.[1];
    return location !== undefined && foreignPackages.some((name) => location.includes(`/node_modules/${name}/`));
  };
  return { ours: diagnostics.filter((d) => !isForeign(d)), foreign: diagnostics.filter(isForeign) };
}
