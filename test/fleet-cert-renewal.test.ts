// The agent renews its hub client certificate: joined and accepted through the real CLI, the agent (real CLI, the
// hub credential from the member Secret) renews at a forced threshold (--cert-renew-fraction 0; a real certificate
// lives a year and Kubernetes' shortest CSR expirationSeconds is 600 s), with a CSR made with its current identity
// that the hub's MemberCluster controller (in this process) approves; the new certificate replaces the old one in
// the member Secret and the agent carries on with it. One cluster is both hub and member.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { installCrds } from '../src/api/install.js';
import { kubeConfigFromText } from '../src/fleet/agent/kubeconfig-lite.js';
import { AGENT_LEASE, memberNamespace } from '../src/fleet/names.js';
import { startMemberClusterController } from '../src/fleet/member/controller.js';
import { completeJoin } from '../src/fleet/member/join.js';
import { RES, RENEW_REASON } from '../src/fleet/member/keys.js';
import type { Controller } from '../src/kube/controller.js';
import { KubeClient } from '../src/kube/http.js';
import { ref } from '../src/kube/resource.js';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { background, ok, plinth, stopProcess, until } from './support/cli.js';

const NAME = 'edge-r';
const SECRET = { ...RES.secrets, namespace: 'plinth-system' };
const LEASES = ref('coordination.k8s.io/v1', 'leases', memberNamespace(NAME));

interface Csr {
  metadata: { name: string; creationTimestamp?: string; ownerReferences?: Array<{ kind: string; name: string }> };
  spec: { username?: string; expirationSeconds?: number };
  status?: { certificate?: string; conditions?: Array<{ type: string; reason?: string }> };
}

describe('fleet agent: certificate renewal', () => {
  let cluster: LocalCluster;
  let admin: KubeClient;
  let controller: Controller;
  const stop = new AbortController();
  let agent: ChildProcess | undefined;
  const log: string[] = [];
  const secretCert = async (): Promise<string> => Buffer.from((await admin.get<{ data: Record<string, string> }>(SECRET, 'plinth-agent-hub')).data['tls.crt'] ?? '', 'base64').toString();

  before(async () => {
    cluster = await startCluster({ version: 'new', nodes: 0 });
    admin = await KubeClient.fromKubeConfig(cluster.kubeConfig);
    await installCrds(admin);
    controller = startMemberClusterController({ client: admin, signal: stop.signal });
    await controller.ready;
  });
  after(async () => {
    await stopProcess(agent);
    stop.abort();
    await controller?.done;
    admin?.close();
    await cluster?.stop();
  });

  test('the agent renews at the threshold with its own identity; the hub approves; the agent carries on with the new certificate', async () => {
    const kcPath = cluster.kubeconfigPath;
    const token = JSON.parse(await ok(kcPath, 'fleet', 'token', 'create', '--ttl', '15m', '-o', 'json')) as { token: string; caData: string; hub: string };
    await ok(kcPath, 'fleet', 'join', NAME, '--hub', token.hub, '--token', token.token, '--hub-ca-data', token.caData);
    await until('the MemberCluster accepted', async () => (await plinth(kcPath, 'fleet', 'accept', NAME)).code === 0, 30_000);
    const joined = await completeJoin(admin, { wait: true, timeoutMs: 60_000 });
    assert.equal(joined.state, 'issued');
    const first = await secretCert();
    assert.match(new X509Certificate(first).subject, /CN=plinth:member:edge-r/);

    agent = background(kcPath, log, { PLINTH_LOG_LEVEL: 'info' }, 'agent', '--cluster', NAME, '--cert-renew-fraction', '0');
    const renewed = await until('a renewed certificate in the member Secret', async () => {
      const now = await secretCert();
      return now !== first ? now : undefined;
    }, 90_000, log);
    const cert = new X509Certificate(renewed);
    assert.notEqual(cert.serialNumber, new X509Certificate(first).serialNumber);
    assert.match(cert.subject, /CN=plinth:member:edge-r/);
    assert.match(cert.subject, /O=plinth:members/);

    // The renewal CSR: made by the member's own identity, approved by the hub for the renewal, owned by the MemberCluster.
    const csrs = (await admin.list<Csr>(RES.csrs)).items.filter((c) => c.metadata.name.startsWith(`plinth-member-${NAME}-`));
    const renewal = csrs.find((c) => c.spec.username === `plinth:member:${NAME}` && c.status?.certificate && Buffer.from(c.status.certificate, 'base64').toString() === renewed);
    assert.ok(renewal, `a renewal CSR issued the new certificate (${csrs.map((c) => `${c.metadata.name}:${c.spec.username}`).join(', ')})`);
    assert.ok(renewal.status?.conditions?.some((c) => c.type === 'Approved' && c.reason === RENEW_REASON));
    assert.deepEqual(renewal.metadata.ownerReferences?.map((r) => `${r.kind}/${r.name}`), [`MemberCluster/${NAME}`]);

    // The kubeconfig in the Secret holds the new certificate and works as the member.
    const text = Buffer.from((await admin.get<{ data: Record<string, string> }>(SECRET, 'plinth-agent-hub')).data.kubeconfig ?? '', 'base64').toString();
    const asMember = await KubeClient.fromKubeConfig(await kubeConfigFromText(text, 'the renewed kubeconfig'));
    try {
      const who = await asMember.create<{ status: { userInfo: { username: string } } }>(ref('authentication.k8s.io/v1', 'selfsubjectreviews'), { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
      assert.equal(who.status.userInfo.username, `plinth:member:${NAME}`);
    } finally {
      asMember.close();
    }
    // The agent restarted its hub side with the new certificate and keeps renewing its Lease.
    await until('the hub session restarted', () => Promise.resolve(log.join('').includes('hub session restarting with the renewed certificate')), 30_000, log);
    const renewTime = async (): Promise<string> => (await admin.get<{ spec: { renewTime: string } }>(LEASES, AGENT_LEASE)).spec.renewTime;
    const before = await renewTime();
    await until('the Lease renewed after the renewal', async () => (await renewTime()) !== before, 30_000, log);
    assert.equal(agent.exitCode, null, 'the agent runs on');
  });
});
