// `plinth fleet token create`: the join ServiceAccount and its least-privilege role, and a short-lived token for it.
import { createHash, X509Certificate } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { PlinthError } from '../../errors/index.js';
import type { KubeClient } from '../../kube/http.js';
import { resourcePath } from '../../kube/resource.js';
import { FLEET_NAMESPACE } from '../names.js';
import { ensureObjects } from './ensure.js';
import { JOIN_SERVICE_ACCOUNT, RES } from './keys.js';
import { joinAccessObjects } from './rbac.js';

/** The TokenRequest API refuses less than 10 minutes. */
export const MIN_TOKEN_TTL_SECONDS = 600;

export interface JoinToken {
  token: string;
  expiresAt: string;
  hub: string;
  /** Base64 of the hub API server's CA bundle (PEM), as in a kubeconfig's certificate-authority-data. */
  caData: string;
  /** sha256 of the first CA certificate (DER), to compare by eye. */
  caHash: string;
  /** The command to run on the member (NAME to be filled in). */
  command: string;
}

/** Parse `--ttl`: `90m`, `1h`, `2h30m`, `3600s` or plain seconds; at least 10 minutes. */
export function parseTtl(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/.exec(text.trim());
  const secs = m && text.trim() !== '' ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : NaN;
  if (!Number.isFinite(secs) || secs < MIN_TOKEN_TTL_SECONDS) {
    throw new PlinthError('INVALID_ARGUMENT', { what: '--ttl', detail: `"${text}"`, fix: 'give a duration of at least 10m, e.g. 1h, 90m or 3600s' });
  }
  return secs;
}

/** The hub's URL and CA (base64 PEM) from the admin's kubeconfig. */
export function hubOf(kc: KubeConfig): { hub: string; caData: string } {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new PlinthError('FLEET_HUB_UNKNOWN', { detail: 'the kubeconfig has no current cluster' });
  const caData = cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : '');
  if (caData === '') throw new PlinthError('FLEET_HUB_UNKNOWN', { detail: `the kubeconfig's cluster ${cluster.name} has no certificate authority` });
  return { hub: cluster.server, caData };
}

/** sha256 (hex) of the DER of the first certificate of a PEM bundle. */
export function caHashOf(caPem: string): string {
  return `sha256:${createHash('sha256').update(new X509Certificate(caPem).raw).digest('hex')}`;
}

/** Ensure the join ServiceAccount and its role, then mint a token for it that expires after `ttlSeconds`. */
export async function createJoinToken(client: KubeClient, kc: KubeConfig, ttlSeconds: number, signal?: AbortSignal): Promise<JoinToken> {
  await ensureObjects(client, joinAccessObjects(), signal ? { signal } : {});
  const sa = { ...RES.serviceAccounts, namespace: FLEET_NAMESPACE };
  const tr = await client.request<{ status: { token: string; expirationTimestamp: string } }>({
    method: 'POST',
    path: resourcePath(sa, JOIN_SERVICE_ACCOUNT, 'token'),
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: Math.max(MIN_TOKEN_TTL_SECONDS, ttlSeconds) } },
    contentType: 'application/json',
    signal,
    target: `serviceaccounts ${FLEET_NAMESPACE}/${JOIN_SERVICE_ACCOUNT}/token`,
  });
  const { hub, caData } = hubOf(kc);
  const token = tr.status.token;
  return {
    token,
    expiresAt: tr.status.expirationTimestamp,
    hub,
    caData,
    caHash: caHashOf(Buffer.from(caData, 'base64').toString('utf8')),
    command: `plinth fleet join NAME --hub ${hub} --token ${token} --hub-ca-data ${caData}`,
  };
}
