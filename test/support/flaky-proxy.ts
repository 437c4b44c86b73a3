// A TCP proxy in front of a real API server that a test can cut: during an outage every open connection
// is reset and new ones are closed at once, as a client sees an API server restarting or a load balancer
// dropping its backends. TLS passes through untouched (the server's certificate names 127.0.0.1).
import { createServer, connect, type Server, type Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { sleep } from '../../src/kube/clock.js';

export class FlakyProxy {
  private readonly open = new Set<Socket>();
  private down = false;
  /** Connections reset or refused by outages so far. */
  cut = 0;

  private readonly server: Server;

  private constructor(private readonly target: URL) {
    this.server = createServer((client) => this.accept(client));
  }

  /** Listens on a free loopback port and forwards to `upstream` (https://127.0.0.1:PORT). */
  static async start(upstream: string): Promise<FlakyProxy & { port: number }> {
    const proxy = new FlakyProxy(new URL(upstream));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const address = proxy.server.address();
    return Object.assign(proxy, { port: typeof address === 'object' && address ? address.port : 0 });
  }

  private accept(client: Socket): void {
    if (this.down) {
      this.cut++;
      client.destroy();
      return;
    }
    const up = connect(Number(this.target.port), this.target.hostname);
    for (const s of [client, up]) {
      this.open.add(s);
      s.on('close', () => this.open.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(up).pipe(client);
  }

  /** Resets every open connection and refuses new ones for `ms`. */
  async outage(ms: number): Promise<void> {
    this.down = true;
    for (const s of this.open) {
      this.cut++;
      s.destroy();
    }
    await sleep(ms);
    this.down = false;
  }

  async stop(): Promise<void> {
    for (const s of this.open) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A copy of `kubeconfig` whose clusters point at the proxy on `port`. */
export function kubeconfigVia(kubeconfig: string, port: number, out: string): string {
  const kc = parse(readFileSync(kubeconfig, 'utf8')) as { clusters: Array<{ cluster: { server: string } }> };
  for (const c of kc.clusters) c.cluster.server = `https://127.0.0.1:${port}`;
  writeFileSync(out, stringify(kc), { mode: 0o600 });
  return out;
}
