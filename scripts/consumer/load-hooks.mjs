// Module hooks for load-check.mjs: writes each URL the ES module loader resolves to a log file.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (process.env.LOAD_CHECK_LOG) appendFileSync(process.env.LOAD_CHECK_LOG, `${resolved.url}\n`);
  return resolved;
}
