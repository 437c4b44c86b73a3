// Membership end to end on real clusters: a NEW hub and an OLD member. The real CLI mints a join token, joins, accepts and
// leaves; the MemberCluster controller runs in this process against the hub; the API servers decide every RBAC answer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { KubeClient } from '../src/kube/http.js';
import { isKubeApiError } from '../src/kube/api-error.js';
import { rfc3339Micro } from '../src/kube/clock.js';
import { ref } from '../src/kube/resource.js';
import { installCrds } from '../src/api/install.js';
import { FLEET_GROUP, FLEET_VERSION } from '../src/api/index.js';
import { AGENT_LEASE, FLEET_NAMESPACE, HUB_INFO_CONFIGMAP, memberNamespace } from '../src/fleet/names.js';
import { startMemberClusterController } from '../src/fleet/member/controller.js';
import { completeJoin } from '../src/fleet/member/join.js';
import { buildCsr, generateMemberKey } from '../src/fleet/member/csr.js';
import { RES } from '../src/fleet/member/keys.js';
import type { Controller } from '../src/kube/controller.js';
import { ok, plinth, until } from './support/cli.js';

const CD = (ns: string) => ref(`${FLEET_GROUP}/${FLEET_VERSION}`, 'clusterdeliveries', ns);

/** The HTTP status of a call that must fail (403 forbidden, 401 unauthenticated). */
async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    assert.ok(isKubeApiError(err), String(err));
    return err.status;
  }
  return 200;
}

async function clientFromYaml(yaml: string): Promise<KubeClient> {
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  return KubeClient.fromKubeConfig(kc);
}
async function tokenClient(server: string, caData: string, token: string): Promise<KubeClient> {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, caData }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return KubeClient.fromKubeConfig(kc);
}
const whoami = (c: KubeClient): Promise<{ status: { userInfo: { username: string; groups?: string[] } } }> =>
  c.create(ref('authentication.k8s.io/v1', 'selfsubjectreviews'), { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });

describe('fleet membership: token create → join → accept → agent identity → leave', () => {
  let hub: LocalCluster;
  let member: LocalCluster;
  let hubAdmin: KubeClient;
  let memberAdmin: KubeClient;
  let controller: Controller;
  const stop = new AbortController();
  let token: { token: string; caData: string; hub: string; expiresAt: string; command: string };
  let agent: KubeClient;
  let csrName = '';

  before(async () => {
    [hub, member] = await Promise.all([startCluster({ version: 'new', nodes: 0 }), startCluster({ version: 'old', nodes: 0 })]);
    hubAdmin = await KubeClient.fromKubeConfig(hub.kubeConfig);
    memberAdmin = await KubeClient.fromKubeConfig(member.kubeConfig);
    await installCrds(hubAdmin);
    controller = startMemberClusterController({ client: hubAdmin, signal: stop.signal });
    await controller.ready;
  });
  after(async () => {
    stop.abort();
    await controller?.done;
    agent?.close();
    hubAdmin?.close();
    memberAdmin?.close();
    await Promise.all([hub?.stop(), member?.stop()]);
  });

  test('token create: a TokenRequest token that lasts the TTL and may only ask for certificates', async () => {
    token = JSON.parse(await ok(hub.kubeconfigPath, 'fleet', 'token', 'create', '--ttl', '15m', '-o', 'json'));
    assert.equal(token.hub, hub.server);
    assert.match(token.command, new RegExp(`^plinth fleet join NAME --hub ${hub.server} --token \\S+ --hub-ca-data \\S+$`));
    // The token's own claims: it expires after the TTL (the API server's minimum is 10 minutes, so the test reads the
    // expiry rather than waiting it out).
    const claims = JSON.parse(Buffer.from(token.token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number; iat: number };
    assert.equal(claims.exp - claims.iat, 15 * 60);
    assert.ok(Math.abs(Date.parse(token.expiresAt) - claims.exp * 1000) < 1000);
    const join = await tokenClient(hub.server, token.caData, token.token);
    try {
      assert.equal((await whoami(join)).status.userInfo.username, `system:serviceaccount:${FLEET_NAMESPACE}:plinth-join`);
      await join.list(RES.csrs); // allowed
      assert.equal(await status(join.list(RES.memberClusters)), 403, 'join token lists MemberClusters');
      assert.equal(await status(join.list(RES.secrets)), 403, 'join token lists Secrets');
      assert.equal(await status(join.get({ ...RES.secrets, namespace: FLEET_NAMESPACE }, 'x')), 403, 'join token reads a Secret');
      assert.equal(await status(join.list(RES.namespaces)), 403, 'join token lists namespaces');
      const csr = (await join.list<{ metadata: { name: string } }>(RES.csrs)).items;
      assert.ok(Array.isArray(csr));
    } finally {
      join.close();
    }
    // Too short a TTL is refused by the CLI in one line.
    const short = await plinth(hub.kubeconfigPath, 'fleet', 'token', 'create', '--ttl', '5m');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /invalid --ttl/);
  });

  test('garbage and unknown tokens are refused: join fails in one line and nothing is created', async () => {
    const r = await plinth(member.kubeconfigPath, 'fleet', 'join', 'edge-x', '--hub', hub.server, '--token', 'garbage', '--hub-ca-data', token.caData);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /FLEET_JOIN_TOKEN_REJECTED/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    const csrs = await hubAdmin.list<{ metadata: { name: string } }>(RES.csrs);
    assert.equal(csrs.items.filter((c) => c.metadata.name.startsWith('plinth-member-edge-x-')).length, 0);
  });

  test('join creates only the CSR; the MemberCluster appears, not accepted, with the requested labels', async () => {
    const out = JSON.parse(await ok(member.kubeconfigPath, 'fleet', 'join', 'edge-1', '--hub', token.hub, '--token', token.token, '--hub-ca-data', token.caData, '--labels', 'tier=edge,region=east', '-o', 'json'));
    csrName = out.csr;
    assert.match(csrName, /^plinth-member-edge-1-[0-9a-f]{8}$/);
    const secret = await memberAdmin.get<{ data: Record<string, string> }>({ ...RES.secrets, namespace: 'plinth-system' }, 'plinth-agent-hub');
    assert.match(Buffer.from(secret.data['tls.key'] ?? '', 'base64').toString(), /BEGIN PRIVATE KEY/);
    assert.equal(secret.data.kubeconfig, undefined);
    const mc = await until('the MemberCluster', () => hubAdmin.get<any>(RES.memberClusters, 'edge-1'));
    assert.equal(mc.spec.accepted, false);
    assert.deepEqual(mc.metadata.labels, { tier: 'edge', region: 'east' });
    const joined = await until('Joined=False NotAccepted', async () => {
      const m = await hubAdmin.get<any>(RES.memberClusters, 'edge-1');
      return m.status?.conditions?.find((c: any) => c.type === 'Joined' && c.reason === 'NotAccepted');
    });
    assert.equal(joined.status, 'False');
    assert.equal(await status(hubAdmin.get(RES.namespaces, memberNamespace('edge-1'))), 404, 'no namespace before accept');
    const csr = await hubAdmin.get<any>(RES.csrs, csrName);
    assert.equal(csr.status?.certificate, undefined);
    assert.equal(csr.metadata.ownerReferences?.[0]?.name, 'edge-1');
    assert.deepEqual(await completeJoin(memberAdmin), { state: 'pending', csr: csrName });
  });

  test('before accept, even a valid certificate for the agent identity can read nothing', async () => {
    // An admin-approved certificate with the agent's name: the API server authenticates it, RBAC grants nothing yet.
    const { privateKeyPem } = generateMemberKey();
    const name = 'test-edge-1-identity';
    await hubAdmin.create(RES.csrs, { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name }, spec: { request: Buffer.from(buildCsr(privateKeyPem, { commonName: 'plinth:member:edge-1', organizations: ['plinth:members'] })).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['digital signature', 'client auth'] } });
    const fresh = await hubAdmin.get<any>(RES.csrs, name);
    await hubAdmin.replace(RES.csrs, name, { ...fresh, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'Test', message: 'test' }] } }, { subresource: 'approval' });
    const cert = await until('the test certificate', async () => (await hubAdmin.get<any>(RES.csrs, name)).status?.certificate as string | undefined);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: hub.server, caData: token.caData }],
      users: [{ name: 'u', certData: cert, keyData: Buffer.from(privateKeyPem).toString('base64') }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const early = await KubeClient.fromKubeConfig(kc);
    try {
      const who = await whoami(early);
      assert.equal(who.status.userInfo.username, 'plinth:member:edge-1');
      assert.equal(await status(early.list(CD(memberNamespace('edge-1')))), 403);
      assert.equal(await status(early.get(RES.memberClusters, 'edge-1')), 403);
      assert.equal(await status(early.get({ ...RES.secrets, namespace: 'default' }, 'x')), 403);
    } finally {
      early.close();
      await hubAdmin.delete(RES.csrs, name);
    }
  });

  test('accept: the CSR is approved, the namespace and RBAC exist, the issued certificate works', async () => {
    const out = await ok(hub.kubeconfigPath, 'fleet', 'accept', 'edge-1');
    assert.match(out, /membercluster\/edge-1 accepted/);
    const csr = await until('the approved CSR', async () => {
      const c = await hubAdmin.get<any>(RES.csrs, csrName);
      return c.status?.certificate ? c : undefined;
    });
    const approved = csr.status.conditions.find((c: any) => c.type === 'Approved');
    assert.equal(approved.reason, 'PlinthAccepted');
    const ns = await hubAdmin.get<any>(RES.namespaces, memberNamespace('edge-1'));
    assert.equal(ns.metadata.ownerReferences[0].kind, 'MemberCluster');
    const rb = await hubAdmin.get<any>({ ...RES.roleBindings, namespace: memberNamespace('edge-1') }, 'plinth-agent');
    assert.deepEqual(rb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'plinth:fleet-agent' });
    await hubAdmin.get(RES.clusterRoles, 'plinth:member:edge-1');
    // The accept was recorded with who did it.
    const events = await hubAdmin.list<any>({ ...RES.namespaces, group: '', version: 'v1', plural: 'events', namespace: 'default' }, { fieldSelector: 'involvedObject.name=edge-1' });
    assert.ok(events.items.some((e) => e.reason === 'Accepted' && /accepted by /.test(e.message)), JSON.stringify(events.items.map((e) => e.message)));

    const done = await completeJoin(memberAdmin, { wait: true, timeoutMs: 30_000 });
    assert.equal(done.state, 'issued');
    const secret = await memberAdmin.get<{ data: Record<string, string> }>({ ...RES.secrets, namespace: 'plinth-system' }, 'plinth-agent-hub');
    assert.equal(secret.data.token, undefined, 'the join token is dropped once the certificate is there');
    agent = await clientFromYaml(Buffer.from(secret.data.kubeconfig ?? '', 'base64').toString());
    const who = await whoami(agent);
    assert.equal(who.status.userInfo.username, 'plinth:member:edge-1');
    assert.ok(who.status.userInfo.groups?.includes('plinth:members'));
    await agent.list(CD(memberNamespace('edge-1')));
    await agent.get(RES.memberClusters, 'edge-1');
    await until('Joined=True', async () => (await hubAdmin.get<any>(RES.memberClusters, 'edge-1')).status?.conditions?.some((c: any) => c.type === 'Joined' && c.status === 'True'));
  });

  test('the agent heartbeats and reports: Connected and Ready, then Connected flips False when the Lease runs out', async () => {
    const ns = memberNamespace('edge-1');
    const leases = { ...RES.leases, namespace: ns };
    await agent.create(leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: AGENT_LEASE }, spec: { holderIdentity: 'edge-1', leaseDurationSeconds: 4, renewTime: rfc3339Micro(new Date()) } });
    // As an agent reports: a merge patch of its fields only (the controller writes the conditions).
    await agent.patch(RES.memberClusters, 'edge-1', { status: { kubernetesVersion: member.version, agentVersion: 'test' } }, 'merge', { subresource: 'status' });
    const cond = async (type: string): Promise<string | undefined> => (await hubAdmin.get<any>(RES.memberClusters, 'edge-1')).status?.conditions?.find((c: any) => c.type === type)?.status;
    await until('Ready=True', async () => (await cond('Ready')) === 'True', 10_000);
    assert.equal(await cond('Connected'), 'True');
    assert.ok((await hubAdmin.get<any>(RES.memberClusters, 'edge-1')).status.lastHeartbeat);
    // No renewal: the controller's timer flips it without any other event.
    await until('Connected=False', async () => (await cond('Connected')) === 'False', 15_000);
    assert.equal(await cond('Ready'), 'False');
  });

  test('RBAC: the agent is denied other members, every Secret, other MemberClusters and creating ClusterDeliveries', async () => {
    await hubAdmin.create(RES.memberClusters, { apiVersion: `${FLEET_GROUP}/${FLEET_VERSION}`, kind: 'MemberCluster', metadata: { name: 'other' }, spec: { accepted: false } });
    await hubAdmin.create(RES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: memberNamespace('other') } });
    const own = memberNamespace('edge-1');
    assert.equal(await status(agent.list(CD(memberNamespace('other')))), 403, 'other member namespace');
    assert.equal(await status(agent.list(CD(''))), 403, 'clusterdeliveries in all namespaces');
    assert.equal(await status(agent.list({ ...RES.secrets, namespace: own })), 403, 'Secrets in its own namespace');
    assert.equal(await status(agent.list(RES.secrets)), 403, 'Secrets anywhere');
    assert.equal(await status(agent.get({ ...RES.secrets, namespace: FLEET_NAMESPACE }, 'x')), 403, 'a Secret in the fleet namespace');
    assert.equal(await status(agent.get(RES.memberClusters, 'other')), 403, 'another MemberCluster');
    assert.equal(await status(agent.list(RES.memberClusters)), 403, 'listing MemberClusters');
    const other = await hubAdmin.get<any>(RES.memberClusters, 'other');
    assert.equal(await status(agent.replace(RES.memberClusters, 'other', { ...other, status: { kubernetesVersion: 'x' } }, { subresource: 'status' })), 403, "another member's status");
    assert.equal(await status(agent.replace(RES.memberClusters, 'edge-1', { ...(await hubAdmin.get<any>(RES.memberClusters, 'edge-1')), spec: { accepted: true, provider: 'x' } })), 403, 'its own spec');
    const cd = { apiVersion: `${FLEET_GROUP}/${FLEET_VERSION}`, kind: 'ClusterDelivery', metadata: { name: 'x' }, spec: {} };
    assert.equal(await status(agent.create(CD(own), cd)), 403, 'creating a ClusterDelivery');
    assert.equal(await status(agent.get({ ...RES.leases, namespace: memberNamespace('other') }, AGENT_LEASE)), 403, "another member's Lease");
    // What it may read in the fleet namespace: the hub-info ConfigMap, nothing else.
    const cms = { ...RES.secrets, plural: 'configmaps', namespace: FLEET_NAMESPACE };
    assert.equal(await status(agent.get(cms, HUB_INFO_CONFIGMAP)), 404, 'hub info is readable (absent here: no fleet server in this test)');
    assert.equal(await status(agent.get(cms, 'kube-root-ca.crt')), 403, 'other ConfigMaps are not');
  });

  test('a second join under a joined name is denied with a reason', async () => {
    const t2 = JSON.parse(await ok(hub.kubeconfigPath, 'fleet', 'token', 'create', '-o', 'json'));
    // The joined member itself refuses to replace its working credential unless told to.
    const again = await plinth(member.kubeconfigPath, 'fleet', 'join', 'edge-1', '--hub', t2.hub, '--token', t2.token, '--hub-ca-data', t2.caData);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /FLEET_ALREADY_JOINED/);
    // The impostor runs from another cluster (the hub itself here), so the real member's Secret is untouched.
    const out = JSON.parse(await ok(hub.kubeconfigPath, 'fleet', 'join', 'edge-1', '--hub', t2.hub, '--token', t2.token, '--hub-ca-data', t2.caData, '-o', 'json'));
    const denied = await until('the Denied condition', async () => (await hubAdmin.get<any>(RES.csrs, out.csr)).status?.conditions?.find((c: any) => c.type === 'Denied'));
    assert.equal(denied.reason, 'PlinthAlreadyJoined');
    assert.match(denied.message, /has joined already/);
    const impostor = await plinth(hub.kubeconfigPath, 'fleet', 'join', 'edge-1', '--hub', t2.hub, '--token', t2.token, '--hub-ca-data', t2.caData, '--wait', '--timeout', '20');
    assert.equal(impostor.code, 1);
    assert.match(impostor.stderr, /FLEET_JOIN_DENIED/);
    assert.equal((await hubAdmin.get<any>(RES.memberClusters, 'edge-1')).metadata.annotations['fleet.plinth.dev/csr'], csrName);
  });

  test('clusters lists the members with their state', async () => {
    const rows = JSON.parse(await ok(hub.kubeconfigPath, 'fleet', 'clusters', '-o', 'json')).items;
    const edge = rows.find((r: any) => r.name === 'edge-1');
    assert.equal(edge.accepted, true);
    assert.equal(edge.joined, 'True');
    assert.equal(edge.tier, 'edge');
    assert.equal(edge.version, member.version);
    const table = await ok(hub.kubeconfigPath, 'fleet', 'clusters', '-l', 'tier=edge');
    assert.match(table, /^NAME\s+ACCEPTED\s+JOINED\s+CONNECTED\s+READY/);
    assert.match(table, /\nedge-1\s+true\s+True\s+False\s+False\s+v1\.24/);
    assert.doesNotMatch(table, /\nother\s/);
  });

  test('leave removes the namespace, RBAC and CSR (owner references, real GC); the certificate then reads nothing', async () => {
    const refused = await plinth(hub.kubeconfigPath, 'fleet', 'leave', 'edge-1');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--yes/);
    await ok(hub.kubeconfigPath, 'fleet', 'leave', 'edge-1', '--yes', '--timeout', '90');
    assert.equal(await status(hubAdmin.get(RES.namespaces, memberNamespace('edge-1'))), 404);
    await until('RBAC garbage-collected', async () =>
      (await status(hubAdmin.get(RES.clusterRoles, 'plinth:member:edge-1'))) === 404 &&
      (await status(hubAdmin.get(RES.clusterRoleBindings, 'plinth:member:edge-1'))) === 404 &&
      (await status(hubAdmin.get({ ...RES.roleBindings, namespace: FLEET_NAMESPACE }, 'plinth:member:edge-1'))) === 404 &&
      (await status(hubAdmin.get(RES.csrs, csrName))) === 404);
    assert.equal(await status(agent.get(RES.memberClusters, 'edge-1')), 403);
    assert.equal(await status(agent.list(CD(memberNamespace('edge-1')))), 403);
  });
});
