// Clients and kubeconfigs of the hub as a member sees it: with the join token, or with the issued certificate.
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../kube/http.js';
import { stringifyKubeYaml } from '../../kube/yaml.js';

export interface HubEndpoint {
  /** https://host:port of the hub's API server. */
  server: string;
  /** The hub's CA bundle, PEM. */
  caPem: string;
}

export type HubCredential = { token: string } | { certPem: string; keyPem: string };

/** A kubeconfig document (YAML) for the hub with either credential. */
export function hubKubeconfigYaml(hub: HubEndpoint, cred: HubCredential, user = 'plinth-agent'): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const u = 'token' in cred ? { token: cred.token } : { 'client-certificate-data': b64(cred.certPem), 'client-key-data': b64(cred.keyPem) };
  return stringifyKubeYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'hub', cluster: { server: hub.server, 'certificate-authority-data': b64(hub.caPem) } }],
    users: [{ name: user, user: u }],
    contexts: [{ name: 'hub', context: { cluster: 'hub', user } }],
    'current-context': 'hub',
  });
}

/** A client of the hub with either credential (the caller closes it). */
export async function hubClient(hub: HubEndpoint, cred: HubCredential, opts: { userAgent?: string } = {}): Promise<KubeClient> {
  const kc = new KubeConfig();
  kc.loadFromString(hubKubeconfigYaml(hub, cred));
  return KubeClient.fromKubeConfig(kc, { userAgent: opts.userAgent ?? 'plinth-fleet-join', requestTimeoutMs: 30_000 });
}
