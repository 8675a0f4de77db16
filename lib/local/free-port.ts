import { createServer } from 'node:net';

/**
 * Asks the OS for a free loopback port: never hard-code one, other programs may hold it. Imports nothing
 * of the package, so jest's global setup (which runs without its module mapping) can use it.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('could not find a free port');
  return address.port;
}
