import { connect } from 'node:net';

/** A response read off the socket. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends bytes exactly as given (header values with DEL, raw latin-1 or UTF-8 bytes that fetch and
 * http.request refuse to send) and reads one response. `Connection: close` is added.
 */
export function rawRequest(
  baseUrl: string,
  head: string,
  body: Buffer = Buffer.alloc(0),
  encoding: BufferEncoding = 'latin1',
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const request = Buffer.concat([
    Buffer.from(`${head}\r\nHost: ${hostname}:${port}\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`, encoding),
    body,
  ]);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(parseResponse(Buffer.concat(chunks).toString('utf8'))));
    socket.write(request); // no half-close: the server closes after its response (Connection: close)
  });
}

function parseResponse(text: string): RawResponse {
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}
