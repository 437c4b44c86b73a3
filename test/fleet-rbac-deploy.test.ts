// deploy/: the hub and agent manifests pass server-side dry-run on real API servers (NEW hub, OLD member), and the
// manager's ServiceAccount, with exactly the RBAC of deploy/hub, runs the MemberCluster controller through a whole
// join (create a member, its namespace and RBAC, approve its CSR). RBAC too narrow fails here; a few denials show it
// is not wider than it says.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { KubeClient } from '../src/kube/http.js';
import { isKubeApiError } from '../src/kube/api-error.js';
import { Discovery } from '../src/kube/discovery.js';
import { apply } from '../src/kube/apply.js';
import { sleep } from '../src/kube/clock.js';
import { parseKubeYaml, parseKubeYamlAll } from '../src/kube/yaml.js';
import type { KubeObject } from '../src/kube/resource.js';
import { installCrds } from '../src/api/install.js';
import { memberNamespace } from '../src/fleet/names.js';
import { startMemberClusterController } from '../src/fleet/member/controller.js';
import { createJoinToken } from '../src/fleet/member/token.js';
import { completeJoin, startJoin } from '../src/fleet/member/join.js';
import { RES } from '../src/fleet/member/keys.js';

/** The objects of a kustomization directory, in its resources order (plain files only). */
function manifests(dir: string): KubeObject[] {
  const k = parseKubeYaml(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  return k.resources.flatMap((f) => parseKubeYamlAll(readFileSync(join(dir, f), 'utf8')) as KubeObject[]).filter((o) => o && o.kind);
}

async function applyAll(client: KubeClient, objs: KubeObject[], dryRun: boolean): Promise<string[]> {
  const discovery = new Discovery(client);
  const done: string[] = [];
  for (const o of objs) {
    const r = await discovery.refFor(o.apiVersion ?? '', o.kind ?? '', o.metadata?.namespace);
    assert.ok(r, `the API server serves ${o.apiVersion} ${o.kind}`);
    await apply(client, r, o as KubeObject & Record<string, unknown>, { fieldManager: 'plinth-deploy-test', dryRun });
    done.push(`${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`);
  }
  return done;
}

async function saClient(admin: KubeClient, cluster: LocalCluster, ns: string, sa: string): Promise<KubeClient> {
  const tr = await admin.request<{ status: { token: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    contentType: 'application/json',
  });
  const caData = cluster.kubeConfig.getCurrentCluster()?.caData;
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: cluster.server, caData }], users: [{ name: sa, token: tr.status.token }], contexts: [{ name: 'x', cluster: 'c', user: sa }], currentContext: 'x' });
  return KubeClient.fromKubeConfig(kc);
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    assert.ok(isKubeApiError(err), String(err));
    return err.status;
  }
  return 200;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('deploy/ manifests and the manager RBAC', () => {
  let hub: LocalCluster;
  let member: LocalCluster;
  let hubAdmin: KubeClient;
  let memberAdmin: KubeClient;

  before(async () => {
    [hub, member] = await Promise.all([startCluster({ version: 'new', nodes: 0 }), startCluster({ version: 'old', nodes: 0 })]);
    hubAdmin = await KubeClient.fromKubeConfig(hub.kubeConfig);
    memberAdmin = await KubeClient.fromKubeConfig(member.kubeConfig);
    await installCrds(hubAdmin);
  });
  after(async () => {
    hubAdmin?.close();
    memberAdmin?.close();
    await Promise.all([hub?.stop(), member?.stop()]);
  });

  test('deploy/hub passes server-side dry-run on the hub (its namespaces first, for real)', async () => {
    const objs = manifests('deploy/hub');
    await applyAll(hubAdmin, objs.filter((o) => o.kind === 'Namespace'), false);
    const done = await applyAll(hubAdmin, objs, true);
    for (const k of ['ClusterRole/plinth-manager', 'ClusterRole/plinth:fleet-agent', 'Deployment/plinth-system/plinth-manager', 'Service/plinth-system/plinth-fleet']) assert.ok(done.includes(k), `${k} in ${done.join(', ')}`);
    assert.equal(await status(hubAdmin.get(RES.clusterRoles, 'plinth-manager')), 404, 'a dry run stores nothing');
  });

  test('deploy/agent passes server-side dry-run on an OLD member', async () => {
    const objs = manifests('deploy/agent');
    await applyAll(memberAdmin, objs.filter((o) => o.kind === 'Namespace'), false);
    const done = await applyAll(memberAdmin, objs, true);
    assert.deepEqual(done.map((d) => d.split('/')[0]).sort(), ['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Namespace', 'Role', 'RoleBinding', 'ServiceAccount']);
  });

  test('as the manager ServiceAccount, with deploy/hub RBAC only, the MemberCluster controller runs a whole join', async () => {
    await applyAll(hubAdmin, manifests('deploy/hub').filter((o) => o.kind !== 'Deployment' && o.kind !== 'Service'), false);
    const manager = await saClient(hubAdmin, hub, 'plinth-system', 'plinth-manager');
    const stop = new AbortController();
    const c = startMemberClusterController({ client: manager, signal: stop.signal, autoAccept: 'tier=edge' });
    try {
      await c.ready;
      const t = await createJoinToken(hubAdmin, hub.kubeConfig, 600);
      const started = await startJoin(memberAdmin, { name: 'm1', hub: { server: t.hub, caPem: Buffer.from(t.caData, 'base64').toString() }, token: t.token, labels: { tier: 'province' } });
      await until('the MemberCluster', () => hubAdmin.get(RES.memberClusters, 'm1'));
      await hubAdmin.patch(RES.memberClusters, 'm1', { spec: { accepted: true } }, 'merge');
      const joined = await completeJoin(memberAdmin, { wait: true, timeoutMs: 45_000 });
      assert.equal(joined.state, 'issued');
      const csr = await hubAdmin.get<any>(RES.csrs, started.csr);
      assert.equal(csr.status.conditions.find((x: any) => x.type === 'Approved')?.reason, 'PlinthAccepted');
      await hubAdmin.get(RES.namespaces, memberNamespace('m1'));
      await hubAdmin.get({ ...RES.roleBindings, namespace: memberNamespace('m1') }, 'plinth-agent');
      await hubAdmin.get(RES.clusterRoleBindings, 'plinth:member:m1');
      await until('Joined=True written by the manager', async () => (await hubAdmin.get<any>(RES.memberClusters, 'm1')).status?.conditions?.some((x: any) => x.type === 'Joined' && x.status === 'True'));
      // The agent's certificate works with the RBAC the manager (not an admin) created.
      const kc = new KubeConfig();
      kc.loadFromString(joined.state === 'issued' ? joined.kubeconfig : '');
      const agent = await KubeClient.fromKubeConfig(kc);
      try {
        await agent.list({ group: 'fleet.plinth.dev', version: 'v1alpha1', plural: 'clusterdeliveries', namespace: memberNamespace('m1') });
        await agent.get(RES.memberClusters, 'm1');
      } finally {
        agent.close();
      }
      // The auto-accept policy: a member asking for tier=edge is accepted without an admin (it joins from the hub
      // cluster here, whose own plinth-system Secret stands in for a second member's).
      const t2 = await createJoinToken(hubAdmin, hub.kubeConfig, 600);
      await startJoin(hubAdmin, { name: 'e1', hub: { server: t2.hub, caPem: Buffer.from(t2.caData, 'base64').toString() }, token: t2.token, labels: { tier: 'edge' } });
      const auto = await completeJoin(hubAdmin, { wait: true, timeoutMs: 45_000 });
      assert.equal(auto.state, 'issued');
      assert.equal((await hubAdmin.get<any>(RES.memberClusters, 'e1')).spec.accepted, true);
      assert.equal((await hubAdmin.get<any>(RES.memberClusters, 'm1')).metadata.labels.tier, 'province');
    } finally {
      stop.abort();
      await c.done;
    }
    // And not wider than it says: no escalation, no deleting namespaces, no reading Secrets in bulk, no other signers.
    assert.equal(await status(manager.create(RES.clusterRoles, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] })), 403);
    assert.equal(await status(manager.delete(RES.namespaces, 'default')), 403);
    assert.equal(await status(manager.list(RES.secrets)), 403);
    assert.equal(await status(manager.create({ ...RES.roleBindings, namespace: 'default' }, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'x' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'x', apiGroup: 'rbac.authorization.k8s.io' }] })), 403);
    manager.close();
  });
});
