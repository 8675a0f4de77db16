/**
 * Tells the store's faults apart by what they mean for a write that may have been sent. Class names are
 * no help (a minified bundle renames them, and the two clients differ), so this reads the message: a
 * Redis error reply always starts with its code in capitals (`ERR`, `NOSCRIPT`, `WRONGTYPE`, `OOM`).
 */

/** The server answered with an error: the script did not run (`NOSCRIPT`) or failed; nothing to retry blindly. */
export function isErrorReply(error: unknown): boolean {
  return /^[A-Z]{2,}(\s|$)/.test(messageOf(error));
}

/** The server had no script of that SHA: it did not run, so sending it whole cannot run it twice. */
export function isNoScript(error: unknown): boolean {
  return messageOf(error).startsWith('NOSCRIPT');
}

/**
 * The connection failed (reset, closed, offline) with no answer: the write may or may not have landed,
 * and a retry with the same arguments is safe (each script recognises its own lease token). Not a
 * timeout: that reply may still come, and a retry would only queue behind it.
 */
export function isConnectionFailure(error: unknown): boolean {
  if (isErrorReply(error)) return false;
  const { name } = (error ?? {}) as { name?: unknown };
  return name !== 'TimeoutError' && name !== 'AbortError' && !/timed? ?out/i.test(messageOf(error));
}

function messageOf(error: unknown): string {
  return String((error as { message?: unknown } | null)?.message ?? '');
}
