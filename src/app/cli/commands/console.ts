import type { Command } from 'commander';
import type { OidcFlags } from '../../console/oidc/config.js';
import { intOption } from '../context.js';
import { act } from '../run.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

interface ConsoleFlags {
  listen: string;
  port?: string;
  tlsCert?: string;
  tlsKey?: string;
  adminLink: boolean;
  oidcIssuer?: string;
  oidcClientId?: string;
  oidcClientSecretFile?: string;
  oidcRedirectUrl?: string;
  oidcUsernameClaim: string;
  oidcUsernamePrefix?: string;
  oidcGroupsClaim: string;
  oidcGroupsPrefix?: string;
  oidcScopes: string;
  webDir?: string;
  switchDir: string[];
  localKeyFile?: string;
  secureCookie?: boolean;
}

function oidcFlags(o: ConsoleFlags, issuer: string): OidcFlags {
  return {
    issuer,
    ...(o.oidcClientId !== undefined ? { clientId: o.oidcClientId } : {}),
    ...(o.oidcClientSecretFile !== undefined ? { clientSecretFile: o.oidcClientSecretFile } : {}),
    ...(o.oidcRedirectUrl !== undefined ? { redirectUrl: o.oidcRedirectUrl } : {}),
    usernameClaim: o.oidcUsernameClaim,
    ...(o.oidcUsernamePrefix !== undefined ? { usernamePrefix: o.oidcUsernamePrefix } : {}),
    groupsClaim: o.oidcGroupsClaim,
    ...(o.oidcGroupsPrefix !== undefined ? { groupsPrefix: o.oidcGroupsPrefix } : {}),
    scopes: o.oidcScopes,
  };
}

/** `plinth console`: the console's HTTP API and web UI, acting as each signed-in user; `console-supervisor` (hidden): keep one running for `plinth up`. */
export function registerConsoleCommand(program: Command): void {
  program
    .command('console')
    .description('serve the Plinth console (API and web UI, see docs/console.md) until SIGTERM/SIGINT; prints its URL and a one-time sign-in link')
    .option('--listen <host:port>', 'address to listen on (HTTP on loopback; put TLS in front, or give --tls-cert/--tls-key, for anything else)', '127.0.0.1:8443')
    .option('--port <port>', 'shorthand for --listen 127.0.0.1:PORT')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'the PEM key of --tls-cert')
    .option('--no-admin-link', 'do not create the plinth-console-admin ServiceAccount nor print its sign-in link')
    .option('--web-dir <dir>', 'serve the built web UI from this directory (default: dist/console-web of the package, when built)')
    .option('--switch-dir <dir>', 'a switch work directory the upgrade screen shows (repeatable)', collect, [])
    .option('--secure-cookie', 'mark the session cookie Secure although the console serves HTTP (TLS is terminated in front of it, e.g. by an Ingress)')
    .option('--local-key-file <file>', 'enable POST /api/v1/local/admin-link with the key in this file (used by `plinth up`)')
    .option('--oidc-issuer <url>', 'sign users in with this OpenID Connect issuer (authorization code + PKCE); the console impersonates the identity of their ID token')
    .option('--oidc-client-id <id>', 'the client id registered at the issuer for the console')
    .option('--oidc-client-secret-file <file>', 'a file holding the client secret (leave out for a public client)')
    .option('--oidc-redirect-url <url>', 'the callback URL registered at the issuer (default: the console URL + /api/v1/session/oidc/callback)')
    .option('--oidc-username-claim <claim>', 'the ID token claim that is the Kubernetes user name', 'email')
    .option('--oidc-username-prefix <prefix>', 'prepended to user names (default: none for email, "ISSUER#" for other claims; "-" for none), as kube-apiserver does')
    .option('--oidc-groups-claim <claim>', 'the ID token claim that holds the Kubernetes groups', 'groups')
    .option('--oidc-groups-prefix <prefix>', 'prepended to each group')
    .option('--oidc-scopes <list>', 'scopes to request (comma-separated; openid is always added)', 'openid,email,profile,groups')
    .action(
      act(async (opts: ConsoleFlags, g) => {
        process.env.PLINTH_LOG_LEVEL ??= g.debug ? 'debug' : 'error';
        const { openClient } = await import('../../../kube/client.js');
        const { KubeClient } = await import('../../../kube/http.js');
        const { inClusterKubeConfig } = await import('../../console/in-cluster.js');
        const { runConsole } = await import('../../console/run.js');
        // In a Pod without a kubeconfig: the Pod's ServiceAccount (deploy/console).
        const inCluster = inClusterKubeConfig(g);
        const s = inCluster ? await KubeClient.fromKubeConfig(inCluster, { userAgent: 'plinth-console' }).then((client) => ({ client, close: () => client.close() })) : await openClient(g, { userAgent: 'plinth-console' });
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
            ...(opts.oidcIssuer !== undefined ? { oidc: oidcFlags(opts, opts.oidcIssuer) } : {}),
            ...(opts.webDir !== undefined ? { webDir: opts.webDir } : {}),
            ...(opts.localKeyFile !== undefined ? { localKeyFile: opts.localKeyFile } : {}),
            switchDirs: opts.switchDir,
            secureCookie: opts.secureCookie === true,
            signal: stop.signal,
          });
        } finally {
          s.close();
        }
      }),
    );

  program
    .command('console-supervisor', { hidden: true })
    .description('run `plinth console` and restart it when it dies, with backoff (started by `plinth up`)')
    .requiredOption('--state-dir <dir>', "the local cluster's state directory (console/ holds the record, log and key)")
    .requiredOption('--port <port>', "the console's port on 127.0.0.1", intOption('--port', 1, 65535))
    .option('--web-dir <dir>', 'passed on to `plinth console`')
    .action(
      act(async (opts: { stateDir: string; port: number; webDir?: string }, g) => {
        const path = await import('node:path');
        const { superviseManager } = await import('../../manager/supervisor.js');
        const { consoleDir, LOCAL_KEY_FILE } = await import('../../stack/console-process.js');
        const stop = new AbortController();
        process.once('SIGTERM', () => stop.abort());
        process.once('SIGINT', () => stop.abort());
        process.on('SIGHUP', () => undefined);
        const entry = process.argv[1] ?? '';
        const kubeconfig = g.kubeconfig ?? path.join(opts.stateDir, 'kubeconfig');
        const dir = consoleDir(opts.stateDir);
        // The manager's supervisor, reused: its record (manager.json) and log live in <stateDir>/console/.
        await superviseManager({
          stateDir: dir,
          command: [
            process.execPath, ...process.execArgv, entry, 'console', '--kubeconfig', kubeconfig, '--port', String(opts.port),
            '--no-admin-link', '--local-key-file', path.join(dir, LOCAL_KEY_FILE), ...(opts.webDir !== undefined ? ['--web-dir', opts.webDir] : []),
          ],
          logFile: path.join(dir, 'console.log'),
          metricsPort: opts.port,
          kubeconfig,
          signal: stop.signal,
        });
      }),
    );
}
