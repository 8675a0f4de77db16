import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The next fault the proxy will make, once. */
type Armed = { kind: 'lose-reply' } | { kind: 'reset-request' } | { kind: 'delay-reply'; ms: number } | undefined;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, for faults no client can fake: it forwards bytes
 * both ways until a fault is armed, then makes it once, on the next request or reply of any connection.
 * Arm a fault only while the client is idle (no command in flight), so "the next reply" is the reply
 * to the command the test sends next.
 */
export class TcpFaultProxy {
  private server!: Server;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private readonly inFlight = new Set<Promise<void>>();
  private armed: Armed;
  private down = false;
  /** Connections accepted so far (reconnects included). */
  accepted = 0;
  /** Armed faults made so far: a test can wait until its fault has really struck. */
  faultsMade = 0;

  private constructor(private readonly targetPort: number) {}

  /** Starts a proxy to `127.0.0.1:targetPort` on a free port. */
  static async start(targetPort: number): Promise<TcpFaultProxy> {
    const proxy = new TcpFaultProxy(targetPort);
    proxy.server = createServer((client) => proxy.accept(client));
    await new Promise<void>((resolve, reject) => proxy.server.once('error', reject).listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The next request reaches the server, but its reply never comes back: the connection is reset instead. */
  loseNextReply(): void {
    this.armed = { kind: 'lose-reply' };
  }

  /** The next request never reaches the server: the connection is reset as it arrives. */
  resetNextRequest(): void {
    this.armed = { kind: 'reset-request' };
  }

  /** The next reply (and whatever follows it on that connection) arrives `ms` late. */
  delayNextReply(ms: number): void {
    this.armed = { kind: 'delay-reply', ms };
  }

  /** The server is out of reach: every connection is reset, and new ones are reset as they open, until `restore()`. */
  outage(): void {
    this.down = true;
    for (const pair of this.pairs) this.drop(pair);
  }

  /** Ends an outage and disarms a fault not made yet, so nothing leaks into the next test. */
  restore(): void {
    this.down = false;
    this.armed = undefined;
  }

  /** Resolves once every delayed reply has been passed on (or dropped with its connection). */
  async delivered(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) this.drop(pair);
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket): void {
    this.accepted++;
    if (this.down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.targetPort, '127.0.0.1');
    const pair = { client, upstream };
    this.pairs.add(pair);
    let replies = Promise.resolve();
    client.on('data', (chunk) => {
      if (this.armed?.kind === 'reset-request') {
        this.armed = undefined;
        this.faultsMade++;
        this.drop(pair);
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      const armed = this.armed;
      if (armed?.kind === 'lose-reply') {
        this.armed = undefined;
        this.faultsMade++;
        this.drop(pair);
        return;
      }
      let delay = 0;
      if (armed?.kind === 'delay-reply') {
        this.armed = undefined;
        this.faultsMade++;
        delay = armed.ms;
      }
      const next = replies.then(async () => {
        if (delay > 0) await sleep(delay);
        if (!client.destroyed) client.write(chunk);
      });
      this.inFlight.add(next);
      void next.finally(() => this.inFlight.delete(next));
      replies = next;
    });
    const close = () => this.drop(pair);
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  }

  private drop(pair: { client: Socket; upstream: Socket }): void {
    this.pairs.delete(pair);
    if (!pair.client.destroyed) pair.client.resetAndDestroy();
    if (!pair.upstream.destroyed) pair.upstream.destroy();
  }
}
