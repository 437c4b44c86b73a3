// The agent's hub side: its credential (a kubeconfig), the hub-info ConfigMap, and artifact downloads.
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { PlinthError, errorMessage } from '../../errors/index.js';
import { isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { ref } from '../../kube/resource.js';
import { retry } from '../../kube/retry.js';
import { FLEET_NAMESPACE, HUB_INFO_CONFIGMAP } from '../names.js';
import { kubeConfigFromFile, kubeConfigFromText } from './kubeconfig-lite.js';
import { AGENT_HUB_SECRET, SECRET_KEYS } from '../member/keys.js';
import type { CredentialHome } from './renew.js';

/** The member Secret (in the agent's namespace) that `plinth fleet join` fills with the hub kubeconfig. */
/** The member Secret the join writes (src/fleet/member/join.ts) and the key of the complete hub kubeconfig in it. */
export const HUB_SECRET = AGENT_HUB_SECRET;
export const HUB_SECRET_KEY = SECRET_KEYS.kubeconfig;

/**
 * The hub kubeconfig: the file given, else the member Secret `<namespace>/plinth-agent-hub` key `kubeconfig`.
 * Missing or unusable: FLEET_AGENT_NO_HUB_CREDENTIAL.
 */
export async function hubKubeConfig(opts: { cluster: string; file?: string; member: KubeClient; namespace: string; signal?: AbortSignal }): Promise<KubeConfig> {
  return (await hubCredential(opts)).kc;
}

/** The hub kubeconfig, its text (for certificate renewal, renew.ts) and where it lives. */
export async function hubCredential(opts: { cluster: string; file?: string; member: KubeClient; namespace: string; signal?: AbortSignal }): Promise<{ kc: KubeConfig; text: string; home: CredentialHome }> {
  if (opts.file) return { kc: await kubeConfigFromFile(opts.file), text: await readFile(opts.file, 'utf8'), home: { file: opts.file } };
  let secret: { data?: Record<string, string> };
  try {
    secret = await opts.member.get<{ data?: Record<string, string> }>(ref('v1', 'secrets', opts.namespace), HUB_SECRET, { signal: opts.signal });
  } catch (err) {
    if (isNotFound(err)) {
      throw new PlinthError('FLEET_AGENT_NO_HUB_CREDENTIAL', { cluster: opts.cluster, detail: `no Secret ${opts.namespace}/${HUB_SECRET} in the member and no --hub-kubeconfig` });
    }
    throw err;
  }
  const where = `Secret ${opts.namespace}/${HUB_SECRET}`;
  let b64 = secret.data?.[HUB_SECRET_KEY];
  if (!b64 && secret.data?.[SECRET_KEYS.csr]) {
    // Joined but not yet accepted: wait for the hub to approve the join's CSR and write the hub kubeconfig, so
    // an agent started right after `plinth fleet join` (as `plinth up` does) needs no second step.
    const { completeJoin } = await import('../member/join.js');
    const r = await completeJoin(opts.member, { wait: true, signal: opts.signal });
    if (r.state === 'issued') b64 = Buffer.from(r.kubeconfig, 'utf8').toString('base64');
  }
  if (!b64) throw new PlinthError('FLEET_AGENT_NO_HUB_CREDENTIAL', { cluster: opts.cluster, detail: `${where} has no key ${HUB_SECRET_KEY} (the join is not complete)` });
  try {
    const text = Buffer.from(b64, 'base64').toString('utf8');
    return { kc: await kubeConfigFromText(text, where), text, home: { member: opts.member, namespace: opts.namespace } };
  } catch (err) {
    throw new PlinthError('FLEET_AGENT_NO_HUB_CREDENTIAL', { cluster: opts.cluster, detail: `${where}: ${errorMessage(err)}` }, { cause: err });
  }
}

/** What the hub publishes for agents in ConfigMap FLEET_NAMESPACE/HUB_INFO_CONFIGMAP. */
export interface HubInfo {
  artifactURL?: string;
  ca?: string;
}

export async function readHubInfo(hub: KubeClient, signal?: AbortSignal): Promise<HubInfo> {
  const cm = await hub.get<{ data?: Record<string, string> }>(ref('v1', 'configmaps', FLEET_NAMESPACE), HUB_INFO_CONFIGMAP, { signal });
  return { artifactURL: cm.data?.artifactURL, ca: cm.data?.['ca.crt'] };
}

class FetchStatusError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`HTTP ${status}${body ? `: ${body.slice(0, 200).trim()}` : ''}`);
  }
}

const TRANSIENT = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED']);

function transient(err: unknown): boolean {
  if (err instanceof FetchStatusError) return err.status >= 500 || err.status === 429;
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && TRANSIENT.has(code)) || (err instanceof Error && err.message === 'timeout');
}

function getOnce(url: URL, tls: https.RequestOptions, signal: AbortSignal | undefined, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ...tls, method: 'GET', signal, timeout: timeoutMs, headers: { ...(tls.headers as Record<string, string>), Accept: '*/*' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) resolve(body);
        else reject(new FetchStatusError(res.statusCode ?? 0, body.toString('utf8')));
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

/**
 * GET an artifact over HTTPS with the agent's hub credential (the client certificate of the hub kubeconfig,
 * or its bearer token), trusting `ca` (the hub-info CA; else the hub kubeconfig's CA). Transient failures
 * (connection refused or reset, timeouts, 5xx, 429) are retried with backoff. The caller checks the digest.
 */
export async function fetchArtifact(opts: { url: string; digest: string; kc: KubeConfig; ca?: string; signal?: AbortSignal; attempts?: number; timeoutMs?: number }): Promise<Buffer> {
  const tls: https.RequestOptions = { headers: {} };
  await opts.kc.applyToHTTPSOptions(tls);
  if (opts.ca) tls.ca = opts.ca;
  delete tls.agent;
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    throw new PlinthError('FLEET_ARTIFACT_FETCH_FAILED', { digest: opts.digest, url: opts.url, detail: 'not a URL' });
  }
  try {
    return await retry(() => getOnce(url, tls, opts.signal, opts.timeoutMs ?? 30_000), {
      attempts: opts.attempts ?? 6,
      initialMs: 200,
      maxMs: 5_000,
      also: transient,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw new PlinthError('FLEET_ARTIFACT_FETCH_FAILED', { digest: opts.digest, url: opts.url, detail: errorMessage(err) }, { cause: err });
  }
}
