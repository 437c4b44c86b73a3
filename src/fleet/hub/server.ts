// The hub's fleet HTTPS server: artifacts for agents, webhooks from Git hosts, the hub-info ConfigMap.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { PlinthError, asPlinthError, errorMessage } from '../../errors/index.js';
import { isKubeApiError, isTransientApiError } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import type { Logger } from '../../kube/log.js';
import { retry } from '../../kube/retry.js';
import type { ArtifactReader } from '../artifact.js';
import { newGzipCache, serveArtifact, type ArtifactRoute } from './artifacts.js';
import { readClientCA, refreshClientCA } from './client-ca.js';
import { startDeliveryIndex } from './delivery-index.js';
import { newSecretCache, serveHook, type HookRoute, type OnPush } from './hooks.js';
import { keepHubInfo, publishHubInfo } from './hub-info.js';
import { fleetRequestDuration } from './metrics.js';
import { bearerToken, callerOfCertificate, type Caller } from './identity.js';
import { sendError, sendJson } from './respond.js';
import { Reviews } from './reviews.js';
import { ArtifactGrants } from './artifact-grants.js';
import { parseListen, parseRoute, urlOfListen } from './routes.js';
import { loadServingTls, selfSignedServingTls, type ServingTls, type TlsFiles } from './serving-cert.js';

export interface FleetServerOptions {
  /** The manager's hub client (reads ClusterDeliveries, GitSources, webhook Secrets; creates Token/SubjectAccessReviews; writes the hub-info ConfigMap). */
  client: KubeClient;
  log: Logger;
  /** Aborting it closes the server. */
  signal: AbortSignal;
  /** `host:port` to listen on (port 0: any free port). */
  listen: string;
  /** The base URL agents dial (default: the listen address, a wildcard bind as loopback). */
  publicURL?: string;
  reader: ArtifactReader;
  onPush: OnPush;
  /** PEM material or files; default a self-signed CA and serving certificate made now for the listen and public host names plus `tlsHosts`. */
  tls?: ServingTls | TlsFiles;
  /** Extra names for a self-signed serving certificate (e.g. the Service's DNS names in a real cluster). */
  tlsHosts?: string[];
  /** Test knobs: how often the client CA and the hub-info ConfigMap are re-read. */
  refreshMs?: { clientCA?: number; hubInfo?: number };
}

export interface FleetServer {
  /** The base URL agents dial (published as `artifactURL`). */
  url: string;
  /** The CA that signed the serving certificate (published as `ca.crt`). */
  ca: string;
  close(): Promise<void>;
}

async function servingTls(opts: FleetServerOptions, host: string): Promise<ServingTls> {
  if (opts.tls && 'certFile' in opts.tls) return loadServingTls(opts.tls);
  if (opts.tls) return opts.tls;
  const hosts = [host, ...(opts.publicURL ? [new URL(opts.publicURL).hostname.replace(/^\[(.*)\]$/, '$1')] : []), ...(opts.tlsHosts ?? [])];
  return selfSignedServingTls(hosts);
}

/**
 * Starts the fleet server: makes or loads its TLS material, loads the hub's client CA, starts the
 * ClusterDelivery index, listens, and publishes its URL and CA in the hub-info ConfigMap. It runs until
 * `signal` aborts or `close()` is called.
 */
export async function startFleetServer(opts: FleetServerOptions): Promise<FleetServer> {
  const { client, log } = opts;
  const addr = parseListen(opts.listen);
  const tls = await servingTls(opts, addr.host);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  opts.signal.addEventListener('abort', onAbort, { once: true });

  let clientCA = await retry(() => readClientCA(client, stop.signal), { signal: stop.signal, attempts: 8 }).catch((err: unknown) => {
    // Forbidden (the role extension-apiserver-authentication-reader is missing) or unreachable: tokens still work; the refresh loop tries again.
    log.warn({ err: errorMessage(err) }, 'could not read the hub client CA');
    return undefined;
  });
  if (clientCA === undefined) log.warn('no hub client CA (kube-system/extension-apiserver-authentication client-ca-file): only bearer tokens are accepted for now');
  const index = startDeliveryIndex(client);
  const reviews = new Reviews(client);
  const artifacts: ArtifactRoute = { index, reviews, reader: opts.reader, log, gzipped: newGzipCache(), grants: new ArtifactGrants() };
  const hooks: HookRoute = { client, log, onPush: opts.onPush, secrets: newSecretCache() };
  // Without a client CA nothing may pass as a verified certificate: the server's own CA stands in (its key is gone).
  const context = (ca: string | undefined): { cert: string; key: string; ca: string } => ({ cert: tls.cert, key: tls.key, ca: ca ?? tls.ca });

  const authenticate = async (req: IncomingMessage): Promise<Caller | PlinthError> => {
    const socket = req.socket as TLSSocket;
    const cert = socket.getPeerCertificate();
    const presented = cert !== null && Object.keys(cert).length > 0;
    if (presented && socket.authorized && clientCA !== undefined) {
      const caller = callerOfCertificate(cert.subject);
      if (caller) return caller;
    }
    const token = bearerToken(req.headers.authorization);
    if (token !== undefined) {
      const verdict = await reviews.token(token, stop.signal);
      return 'caller' in verdict ? verdict.caller : new PlinthError('FLEET_UNAUTHENTICATED', { detail: verdict.refused });
    }
    const detail = presented ? `the client certificate is not valid for this hub (${String(socket.authorizationError ?? 'no common name')})` : 'no client certificate and no bearer token';
    return new PlinthError('FLEET_UNAUTHENTICATED', { detail });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const route = parseRoute(req.method ?? 'GET', req.url ?? '/');
    switch (route.kind) {
      case 'health':
        sendJson(res, 200, { ok: true, deliveriesSynced: index.informer.hasSynced(), clientCA: clientCA !== undefined });
        return;
      case 'artifact': {
        const caller = await authenticate(req);
        if (caller instanceof PlinthError) {
          log.info({ from: req.socket.remoteAddress, digest: route.digest, reason: caller.message }, 'artifact request unauthenticated');
          sendError(res, caller, { 'WWW-Authenticate': 'Bearer realm="plinth-fleet"' });
          return;
        }
        await serveArtifact(req, res, artifacts, caller, route.digest, route.head);
        return;
      }
      case 'hook':
        await serveHook(req, res, hooks, route.namespace, route.name);
        return;
      case 'methodNotAllowed':
        sendError(res, new PlinthError('FLEET_METHOD_NOT_ALLOWED', { method: req.method ?? '', path: req.url ?? '', allow: route.allow }), { Allow: route.allow });
        return;
      case 'notFound':
        sendError(res, new PlinthError('FLEET_ROUTE_NOT_FOUND', { method: req.method ?? '', path: (req.url ?? '').slice(0, 200) }));
        return;
    }
  };

  const server = https.createServer({ ...context(clientCA), requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' }, (req, res) => {
    const started = performance.now();
    res.once('finish', () => {
      const kind = parseRoute(req.method ?? 'GET', req.url ?? '/').kind;
      const route = kind === 'artifact' || kind === 'hook' || kind === 'health' ? kind : 'other';
      fleetRequestDuration.labels(route, String(res.statusCode)).observe((performance.now() - started) / 1000);
    });
    handle(req, res).catch((err: unknown) => {
      // A failed TokenReview, SubjectAccessReview or read is the hub's trouble, not the caller's: 503, never the API server's own status.
      const e = isKubeApiError(err) || isTransientApiError(err) ? new PlinthError('FLEET_HUB_API_ERROR', { detail: errorMessage(err) }, { cause: err }) : asPlinthError(err);
      log.error({ method: req.method, path: req.url, err: errorMessage(err) }, 'fleet server request failed');
      sendError(res, e);
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.on('tlsClientError', (err) => log.debug({ err: errorMessage(err) }, 'TLS handshake failed'));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(addr.port, addr.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await index.informer.stop();
    opts.signal.removeEventListener('abort', onAbort);
    throw new PlinthError('FLEET_LISTEN_INVALID', { listen: opts.listen, detail: errorMessage(err) }, { cause: err });
  }
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : addr.port;
  const url = (opts.publicURL ?? urlOfListen(addr.host, port)).replace(/\/+$/, '');
  const info = { artifactURL: url, ca: tls.ca };

  const closeServer = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  try {
    await publishHubInfo(client, info, stop.signal);
  } catch (err) {
    stop.abort();
    await Promise.all([closeServer(), index.informer.stop()]);
    opts.signal.removeEventListener('abort', onAbort);
    throw err;
  }
  const loops = Promise.all([
    keepHubInfo({ client, log, signal: stop.signal, info, everyMs: opts.refreshMs?.hubInfo }),
    refreshClientCA({
      client,
      log,
      signal: stop.signal,
      current: clientCA,
      everyMs: opts.refreshMs?.clientCA,
      onChange: (pem) => {
        clientCA = pem;
        server.setSecureContext(context(pem));
      },
    }),
  ]);
  log.info({ url, listen: `${addr.host}:${port}`, clientCA: clientCA !== undefined }, 'fleet server listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stop.abort();
      opts.signal.removeEventListener('abort', onAbort);
      await Promise.all([closeServer(), index.informer.stop(), loops]);
      log.info('fleet server stopped');
    })();
    return closing;
  };
  stop.signal.addEventListener('abort', () => void close(), { once: true });
  return { url, ca: tls.ca, close };
}
