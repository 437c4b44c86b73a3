import type { Command } from 'commander';
import type { OidcFlags } from '../../console/oidc/config.js';
import { act } from '../run.js';

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
            ...(opts.oidcIssuer !== undefined ? { oidc: oidcFlags(opts, opts.oidcIssuer) } : {}),
            signal: stop.signal,
          });
        } finally {
          s.close();
        }
      }),
    );
}
