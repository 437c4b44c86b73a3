/**
 * `plinth console` in the foreground: build the server with the kubeconfig's client, listen, print the URL and
 * the local admin's one-time sign-in link, and stop cleanly on SIGTERM/SIGINT.
 */
import { readFileSync } from 'node:fs';
import { errorMessage, PlinthError } from '../../errors/index.js';
import type { KubeClient } from '../../kube/http.js';
import { localAdminIdentity } from './admin-link.js';
import { buildConsole } from './server.js';
import { OidcClient } from './oidc/client.js';
import { oidcSettings, type OidcFlags } from './oidc/config.js';
import { defaultWebDir, hasWebUi } from './static.js';

export interface RunConsoleOptions {
  client: KubeClient;
  /** host:port; port 0 picks a free one. */
  listen: string;
  adminLink: boolean;
  tlsCert?: string;
  tlsKey?: string;
  /** OIDC sign-in (`--oidc-*` flags); absent: token sign-in only. */
  oidc?: OidcFlags;
  signal: AbortSignal;
  /** The built web UI (default dist/console-web of the package; served when it holds index.html). */
  webDir?: string;
  /** Switch work directories the upgrade screen shows. */
  switchDirs?: readonly string[];
  /** Mark the session cookie Secure although this server speaks HTTP (TLS terminated in front of it). */
  secureCookie?: boolean;
  /** A file holding the key of POST /api/v1/local/admin-link (written by `plinth up`). */
  localKeyFile?: string;
  /** Where the URL and link are printed (default stdout). */
  out?: (line: string) => void;
}

/** Pure: "127.0.0.1:8443" or "[::1]:8443" → host and port. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new PlinthError('INVALID_ARGUMENT', { what: '--listen', detail: `"${listen}" is not HOST:PORT`, fix: 'give e.g. 127.0.0.1:8443' });
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** Runs until the signal aborts; resolves after a clean shutdown. */
export async function runConsole(o: RunConsoleOptions): Promise<void> {
  const out = o.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const { host, port } = parseListen(o.listen);
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) {
    throw new PlinthError('INVALID_ARGUMENT', { what: '--tls-cert/--tls-key', detail: 'only one was given', fix: 'give both, or neither' });
  }
  const https = o.tlsCert && o.tlsKey ? { cert: readFileSync(o.tlsCert, 'utf8'), key: readFileSync(o.tlsKey, 'utf8') } : undefined;
  const webDir = o.webDir ?? defaultWebDir();
  const localKey = o.localKeyFile !== undefined ? readFileSync(o.localKeyFile, 'utf8').trim() : undefined;
  const srv = await buildConsole({ client: o.client, webDir, switchDirs: o.switchDirs ?? [], ...(o.secureCookie ? { secureCookie: true } : {}), ...(localKey ? { localKey } : {}), ...(https ? { https } : {}) });
  try {
    await srv.app.listen({ host, port });
    const addr = srv.app.server.address();
    const boundPort = typeof addr === 'object' && addr ? addr.port : port;
    const url = `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
    if (o.oidc) {
      const oidc = await OidcClient.start(oidcSettings(o.oidc, url));
      srv.useOidc(oidc);
      out(`OIDC sign-in with ${oidc.issuer} (client ${oidc.settings.clientId}, redirect URL ${oidc.settings.redirectUrl}): ${url}/api/v1/session/oidc/login`);
    }
    out(`Plinth console listening on ${url} (API: ${url}/api/v1, OpenAPI: ${url}/api/v1/openapi.json)`);
    out(hasWebUi(webDir) ? `web UI from ${webDir}` : `no web UI: ${webDir} has no index.html (build it with \`npm run build:web\`, or give --web-dir)`);
    if (o.adminLink) {
      try {
        const identity = await localAdminIdentity(o.client);
        out(`Sign in as the local admin (${identity.user}) with this one-time link (valid 10 minutes):`);
        out(`  ${url}/api/v1/session/link?code=${srv.links.issue(identity)}`);
      } catch (err) {
        out(`no admin sign-in link (${errorMessage(err)}); sign in with a token: POST ${url}/api/v1/session {"token": "$(kubectl create token NAME -n NS)"}`);
      }
    }
    if (!o.signal.aborted) await new Promise<void>((resolve) => o.signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    await srv.close();
  }
}
