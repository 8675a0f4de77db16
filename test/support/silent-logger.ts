/** A logger that keeps warnings for assertions instead of printing them. */
export function recordingLogger() {
  const warnings: { message: string; fields: Record<string, unknown> }[] = [];
  return { warnings, warn: (message: string, fields: Record<string, unknown>) => void warnings.push({ message, fields }) };
}
