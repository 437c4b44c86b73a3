import type { Command } from 'commander';
import { act } from '../run.js';

/** `plinth console`: the console's HTTP API (and later its web UI), acting as each signed-in user. */
export function registerConsoleCommand(program: Command): void {
  program
    .command('console')
    .description('serve the Plinth console API (see docs/console.md) until SIGTERM/SIGINT; prints its URL and a one-time sign-in link')
    .option('--listen <host:port>', 'address to listen on (HTTP on loopback; put TLS in front, or give --tls-cert/--tls-key, for anything else)', '127.0.0.1:8443')
    .option('--port <port>', 'shorthand for --listen 127.0.0.1:PORT')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'the PEM key of --tls-cert')
    .option('--no-admin-link', 'do not create the plinth-console-admin ServiceAccount nor print its sign-in link')
    .action(
      act(async (opts: { listen: string; port?: string; tlsCert?: string; tlsKey?: string; adminLink: boolean }, g) => {
        process.env.PLINTH_LOG_LEVEL ??= g.debug ? 'debug' : 'error';
        const { openClient } = await import('../../../kube/client.js');
        const { runConsole } = await import('../../console/run.js');
        const s = await openClient(g, { userAgent: 'plinth-console' });
        const stop = new AbortController();
        process.once('SIGTERM', () => stop.abort());
        process.once('SIGINT', () => stop.abort());
        try {
          await runConsole({
            client: s.client,
            listen: opts.port !== undefined ? `127.0.0.1:${opts.port}` : opts.listen,
            adminLink: opts.adminLink,
            ...(opts.tlsCert !== undefined ? { tlsCert: opts.tlsCert } : {}),
            ...(opts.tlsKey !== undefined ? { tlsKey: opts.tlsKey } : {}),
            signal: stop.signal,
          });
        } finally {
          s.close();
        }
      }),
    );
}
