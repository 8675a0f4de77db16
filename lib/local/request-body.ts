import type { IncomingMessage } from 'node:http';

/** API Gateway's payload quota for an HTTP API (and a REST API): 10 MB, not adjustable. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

// An oversized body is still read to its end (and dropped), up to this much, so the client has sent
// everything when the 413 comes and reads it, rather than a reset; past it the connection is cut.
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/** The whole request body, or `'too-large'` once it is over the payload quota (read to its end, then dropped). */
export function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
      else if (chunks.length > 0) chunks.length = 0; // drop what was kept; only the count matters now
      if (size > MAX_DRAIN_BYTES) {
        req.socket.destroy();
        resolve('too-large');
      }
    });
    req.once('end', () => resolve(size > MAX_PAYLOAD_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
