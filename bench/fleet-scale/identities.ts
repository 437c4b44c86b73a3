// The simulated members' hub side, made in bulk: accepted MemberClusters (the manager's MemberCluster controller
// then creates each member's namespace and RBAC, memberAccessObjects, as on `plinth fleet accept`) and one hub
// identity per member: a real CSR (CN plinth:member:NAME, O plinth:members, signer kube-apiserver-client) approved
// through the API and signed by the hub's kube-controller-manager — the join's CSR flow without the join token.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { FLEET_GROUP, FLEET_VERSION } from '../../src/api/index.js';
import { buildCsr, generateMemberKey } from '../../src/fleet/member/csr.js';
import { CLIENT_SIGNER } from '../../src/fleet/member/keys.js';
import { AGENT_GROUP, agentUser } from '../../src/fleet/names.js';
import { sleep } from '../../src/kube/clock.js';
import type { KubeClient } from '../../src/kube/http.js';
import { forEachLimit } from '../../src/kube/pool.js';
import { ref } from '../../src/kube/resource.js';
import { retry } from '../../src/kube/retry.js';

const CSRS = ref('certificates.k8s.io/v1', 'certificatesigningrequests');
const MEMBERS = ref(`${FLEET_GROUP}/${FLEET_VERSION}`, 'memberclusters');
const BENCH_LABEL = 'bench.plinth.dev/fleet-scale';

interface Csr {
  metadata: { name: string };
  status?: { certificate?: string; conditions?: Array<{ type: string; status: string }> };
}

export const simName = (i: number): string => `sim-${String(i).padStart(4, '0')}`;

/** Accepted MemberClusters `names` (label tier=edge), created `limit` at a time. */
export async function createMembers(hub: KubeClient, names: readonly string[], limit = 16): Promise<void> {
  await forEachLimit(names, limit, (name) =>
    retry(() =>
      hub.create(MEMBERS, { apiVersion: `${FLEET_GROUP}/${FLEET_VERSION}`, kind: 'MemberCluster', metadata: { name, labels: { tier: 'edge', [BENCH_LABEL]: 'true' } }, spec: { accepted: true } }).catch((err: { status?: number }) => {
        if (err.status !== 409) throw err;
      }),
    ),
  );
}

/** The hub's CA (PEM) from its admin kubeconfig. */
function hubCa(kc: KubeConfig): string {
  const c = kc.getCurrentCluster();
  if (c?.caData) return Buffer.from(c.caData, 'base64').toString('utf8');
  if (c?.caFile) return readFileSync(c.caFile, 'utf8');
  throw new Error('the hub kubeconfig has no CA');
}

/**
 * One hub kubeconfig per name, written to `dir/NAME.kubeconfig`: EC keys made here, CSRs created and approved
 * `limit` at a time, then the certificates collected once the signer issued them all. Returns the paths.
 */
export async function issueIdentities(hub: KubeClient, hubKc: KubeConfig, names: readonly string[], dir: string, limit = 16): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  await forEachLimit(names, limit, async (name) => {
    const { privateKeyPem } = generateMemberKey();
    keys.set(name, privateKeyPem);
    const request = Buffer.from(buildCsr(privateKeyPem, { commonName: agentUser(name), organizations: [AGENT_GROUP] })).toString('base64');
    const csrName = `fleet-scale-${name}`;
    await retry(() =>
      hub.create(CSRS, {
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { name: csrName, labels: { [BENCH_LABEL]: 'true' } },
        spec: { request, signerName: CLIENT_SIGNER, usages: ['digital signature', 'client auth'], expirationSeconds: 24 * 3600 },
      }),
    );
    await retry(async () => {
      const fresh = await hub.get<Csr & Record<string, unknown>>(CSRS, csrName);
      const conditions = [{ type: 'Approved', status: 'True', reason: 'FleetScaleBench', message: `simulated member ${name}` }];
      await hub.replace(CSRS, csrName, { ...fresh, status: { ...fresh.status, conditions } }, { subresource: 'approval' });
    });
  });
  const certs = new Map<string, string>();
  const deadline = Date.now() + 10 * 60_000;
  while (certs.size < names.length) {
    if (Date.now() > deadline) throw new Error(`only ${certs.size}/${names.length} certificates issued in 10 minutes`);
    for (const c of (await hub.list<Csr>(CSRS, { labelSelector: BENCH_LABEL })).items) {
      if (c.status?.certificate) certs.set(c.metadata.name.replace(/^fleet-scale-/, ''), c.status.certificate);
    }
    if (certs.size < names.length) await sleep(1000);
  }
  const server = hubKc.getCurrentCluster()!.server;
  const ca = Buffer.from(hubCa(hubKc)).toString('base64');
  const out = new Map<string, string>();
  for (const name of names) {
    const path = join(dir, `${name}.kubeconfig`);
    const user = agentUser(name);
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: hub, cluster: {server: "${server}", certificate-authority-data: ${ca}}}]`,
        `users: [{name: "${user}", user: {client-certificate-data: ${certs.get(name)!}, client-key-data: ${Buffer.from(keys.get(name)!).toString('base64')}}}]`,
        `contexts: [{name: hub, context: {cluster: hub, user: "${user}"}}]`,
        'current-context: hub',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    out.set(name, path);
  }
  return out;
}
