// A small kubeconfig loader for the agent, so that it runs without loading @kubernetes/client-node (about 70 MB
// of resident memory, most of it the generated API models). It reads what a joined agent's kubeconfig holds:
// server, CA, client certificate and key, bearer token (inline or file), basic auth, TLS options. A kubeconfig
// whose user needs an exec plugin or an auth provider is handed to client-node's KubeConfig instead.
import { existsSync, readFileSync } from 'node:fs';
import type https from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { PlinthError, errorMessage } from '../../errors/index.js';
import { parseKubeYaml } from '../../kube/yaml.js';

interface Named<T> {
  name: string;
  [k: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}
interface RawConfig {
  clusters?: Array<Named<Record<string, unknown>>>;
  users?: Array<Named<Record<string, unknown>>>;
  contexts?: Array<Named<{ cluster?: string; user?: string; namespace?: string }>>;
  'current-context'?: string;
}

/** The subset of client-node's Cluster and User that KubeClient reads. */
interface LiteCluster {
  name: string;
  server: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  caData?: string;
  caFile?: string;
  proxyUrl?: string;
}
interface LiteUser {
  name: string;
  certData?: string;
  certFile?: string;
  keyData?: string;
  keyFile?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  exec?: unknown;
  authProvider?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function fileOrData(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) return readFileSync(file);
  return undefined;
}

/** Just enough of client-node's KubeConfig for KubeClient (current cluster and user, HTTPS options). */
class LiteKubeConfig {
  constructor(
    private readonly cluster: LiteCluster,
    private readonly user: LiteUser,
    private readonly context: { name: string; cluster: string; user: string; namespace?: string },
  ) {}

  getCurrentCluster(): LiteCluster {
    return this.cluster;
  }
  getCurrentUser(): LiteUser {
    return this.user;
  }
  getCurrentContext(): string {
    return this.context.name;
  }
  getContextObject(): { name: string; cluster: string; user: string; namespace?: string } {
    return this.context;
  }
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> {
    const c = this.cluster;
    const u = this.user;
    if (c.skipTLSVerify) opts.rejectUnauthorized = false;
    if (c.tlsServerName) opts.servername = c.tlsServerName;
    const ca = fileOrData(c.caFile, c.caData);
    if (ca) opts.ca = ca;
    const cert = fileOrData(u.certFile, u.certData);
    if (cert) opts.cert = cert;
    const key = fileOrData(u.keyFile, u.keyData);
    if (key) opts.key = key;
    const token = u.token ?? (u.tokenFile ? readFileSync(u.tokenFile, 'utf8').trim() : undefined);
    opts.headers = { ...(opts.headers ?? {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) };
    if (u.username) opts.auth = `${u.username}:${u.password ?? ''}`;
    return Promise.resolve();
  }
}

/**
 * A KubeConfig from kubeconfig text (YAML or JSON). Exec plugins and auth providers load client-node's own
 * KubeConfig; everything else the small loader above. `where` names the source in errors.
 */
export async function kubeConfigFromText(text: string, where: string, contextName?: string): Promise<KubeConfig> {
  let raw: RawConfig;
  try {
    raw = (parseKubeYaml(text) ?? {});
  } catch (err) {
    throw new PlinthError('KUBECONFIG_INVALID', { path: where, detail: errorMessage(err) }, { cause: err });
  }
  const ctxName = contextName ?? raw['current-context'];
  const ctx = raw.contexts?.find((c) => c.name === ctxName)?.context;
  if (!ctxName || !ctx) throw new PlinthError('KUBECONFIG_INVALID', { path: where, detail: `context "${ctxName ?? ''}" not found` });
  const rc = raw.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  const ru = raw.users?.find((u) => u.name === ctx.user)?.user ?? {};
  if (!rc || !str(rc.server)) throw new PlinthError('KUBECONFIG_INVALID', { path: where, detail: `the current context names no cluster with a server` });
  if (ru.exec || ru['auth-provider']) {
    const { KubeConfig: Full } = await import('@kubernetes/client-node');
    const kc = new Full();
    kc.loadFromString(text);
    if (contextName) kc.setCurrentContext(contextName);
    return kc;
  }
  const cluster: LiteCluster = {
    name: ctx.cluster ?? '',
    server: str(rc.server)!,
    skipTLSVerify: rc['insecure-skip-tls-verify'] === true,
    ...(str(rc['tls-server-name']) ? { tlsServerName: str(rc['tls-server-name']) } : {}),
    ...(str(rc['certificate-authority-data']) ? { caData: str(rc['certificate-authority-data']) } : {}),
    ...(str(rc['certificate-authority']) ? { caFile: str(rc['certificate-authority']) } : {}),
    ...(str(rc['proxy-url']) ? { proxyUrl: str(rc['proxy-url']) } : {}),
  };
  const user: LiteUser = {
    name: ctx.user ?? '',
    certData: str(ru['client-certificate-data']),
    certFile: str(ru['client-certificate']),
    keyData: str(ru['client-key-data']),
    keyFile: str(ru['client-key']),
    token: str(ru.token),
    tokenFile: str(ru.tokenFile) ?? str(ru['token-file']),
    username: str(ru.username),
    password: str(ru.password),
  };
  if (cluster.proxyUrl) {
    const { KubeConfig: Full } = await import('@kubernetes/client-node');
    const kc = new Full();
    kc.loadFromString(text);
    return kc;
  }
  return new LiteKubeConfig(cluster, user, { name: ctxName, cluster: cluster.name, user: user.name, ...(ctx.namespace ? { namespace: ctx.namespace } : {}) }) as unknown as KubeConfig;
}

/** A KubeConfig from a file (see kubeConfigFromText). */
export async function kubeConfigFromFile(path: string, contextName?: string): Promise<KubeConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PlinthError('KUBECONFIG_INVALID', { path, detail: errorMessage(err) }, { cause: err });
  }
  return kubeConfigFromText(text, path, contextName);
}

/**
 * The member kubeconfig file, resolved as every command resolves it (kube/kubeconfig.ts kubeconfigSource):
 * --kubeconfig, $KUBECONFIG (its first file), the local cluster's, ~/.kube/config.
 */
export function memberKubeconfigPath(flag: string | undefined, localFallback: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return flag;
  if (env.KUBECONFIG) return env.KUBECONFIG.split(':')[0]!;
  if (localFallback && existsSync(localFallback)) return localFallback;
  const home = join(homedir(), '.kube', 'config');
  if (existsSync(home)) return home;
  throw new PlinthError('KUBECONFIG_INVALID', { path: '(none)', detail: 'no kubeconfig given and none found' });
}
