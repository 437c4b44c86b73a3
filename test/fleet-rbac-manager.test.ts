// The REAL manager process (`plinth manager`, every controller of src/app/manager/controllers.ts, leader-elected),
// authenticated as the plinth-manager ServiceAccount bound ONLY by deploy/hub, drives each controller once on one NEW
// hub: a CellDeployment release, a ReleasePlan over a CellDeployment and a Deployment, a ReleasePolicy lock, a member
// join (CSR approved, namespace and RBAC written), a FleetDelivery writing a ClusterDelivery and deleted through its
// finalizer, the hub-info ConfigMap, an artifact served to a token and to the agent's certificate, a signed webhook.
// The GitSource controller (not in the manager's list on this branch) runs in-process with the same token. The real
// `plinth agent` runs with a token of deploy/agent's ServiceAccount (the hub stands in for the member). Any `forbidden`
// in the manager's or the agent's log fails the test: RBAC too narrow for a path driven here fails it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { KubeClient } from '../src/kube/http.js';
import { Discovery } from '../src/kube/discovery.js';
import { apply } from '../src/kube/apply.js';
import { rfc3339Micro } from '../src/kube/clock.js';
import { ensureNamespace } from '../src/kube/namespaces.js';
import { CORE, inNamespace, type KubeObject } from '../src/kube/resource.js';
import { parseKubeYaml, parseKubeYamlAll } from '../src/kube/yaml.js';
import { installCrds } from '../src/api/install.js';
import type { ClusterDelivery, GitSource } from '../src/api/index.js';
import { encodeArtifact } from '../src/fleet/artifact.js';
import { AGENT_LEASE, FLEET_NAMESPACE, HUB_INFO_CONFIGMAP, artifactPath, clusterDeliveryName, memberNamespace } from '../src/fleet/names.js';
import { createJoinToken } from '../src/fleet/member/token.js';
import { completeJoin, startJoin } from '../src/fleet/member/join.js';
import { RES as MEMBER_RES } from '../src/fleet/member/keys.js';
import { FLEET_API_VERSION, RES as FLEET_RES } from '../src/fleet/delivery/keys.js';
import { KEYS, RES as RELEASE_RES } from '../src/release/keys.js';
import { RELEASE_PLANS } from '../src/release/releaseplan/act.js';
import { startGitServer, type GitServer } from './support/git-server.js';
import { PUSH_REQUESTED_ANNOTATION } from '../src/fleet/hub/module.js';
import { RELEASE_POLICIES } from '../src/release/policy/checks.js';
import { cellDeployment, createService, waitOrder, waitPhase, currentOrderName } from './support/release-env.js';
import { until } from './support/cli.js';

/** The objects of a kustomization directory, in its resources order. */
function manifests(dir: string): KubeObject[] {
  const k = parseKubeYaml(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  return k.resources.flatMap((f) => parseKubeYamlAll(readFileSync(join(dir, f), 'utf8')) as KubeObject[]).filter((o) => o && o.kind);
}

/** Polls until `probe` gives a value (test/support/cli.ts `until`), with this file's default bound. */
const eventually = <T,>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> => until(what, probe, timeoutMs);

async function saToken(admin: KubeClient, ns: string, sa: string): Promise<string> {
  const tr = await admin.request<{ status: { token: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    contentType: 'application/json',
  });
  return tr.status.token;
}

/** One request to the fleet server, trusting only the CA it published. */
function call(url: string, ca: string, auth: { token?: string; cert?: string; key?: string }, o: { method?: string; body?: Buffer; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...(auth.token ? { Authorization: `Bearer ${auth.token}` } : {}), ...(o.body ? { 'Content-Length': String(o.body.length) } : {}), ...o.headers };
    const req = https.request(url, { method: o.method ?? 'GET', ca, cert: auth.cert, key: auth.key, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}
const get = (url: string, ca: string, auth: { token?: string; cert?: string; key?: string }): Promise<{ status: number; body: Buffer }> => call(url, ca, auth);

/** `plinth ARGS` through tsx, its stdout and stderr lines appended to `lines`. */
function plinth(args: string[], lines: string[]): { child: ChildProcess; exited: Promise<number | null> } {
  const env: NodeJS.ProcessEnv = { ...process.env, PLINTH_LOG_LEVEL: 'info' };
  delete env['NODE_TEST_CONTEXT'];
  delete env['KUBECONFIG'];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const take = (b: Buffer): void => {
    lines.push(...b.toString('utf8').split('\n').filter((l) => l !== ''));
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return { child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

/** A kubeconfig file for a ServiceAccount of `cluster` (a TokenRequest token). */
async function saKubeconfig(admin: KubeClient, cluster: LocalCluster, ns: string, sa: string, file: string): Promise<KubeConfig> {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: cluster.server, caData: cluster.kubeConfig.getCurrentCluster()?.caData }],
    users: [{ name: sa, token: await saToken(admin, ns, sa) }],
    contexts: [{ name: 'x', cluster: 'c', user: sa }],
    currentContext: 'x',
  });
  writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
  return kc;
}

async function applyManifests(admin: KubeClient, dir: string, skip: string[]): Promise<void> {
  const discovery = new Discovery(admin);
  for (const o of manifests(dir).filter((x) => !skip.includes(x.kind ?? ''))) {
    const r = await discovery.refFor(o.apiVersion ?? '', o.kind ?? '', o.metadata?.namespace);
    assert.ok(r, `${o.apiVersion} ${o.kind} is served`);
    await apply(admin, r, o as KubeObject & Record<string, unknown>, { fieldManager: 'plinth-rbac-test' });
  }
}

const APPS = 'shop';
const DELIVERIES = 'apps';

describe('the manager process with exactly the RBAC of deploy/hub', { timeout: 900_000 }, () => {
  let hub: LocalCluster;
  let admin: KubeClient;
  let dir: string;
  let managerClient: KubeClient;
  let git: GitServer | undefined;
  let manager: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  const log: string[] = [];

  before(async () => {
    hub = await startCluster({ version: 'new', nodes: 3, zones: 3, kwok: { inPlaceDelayMs: 200 } });
    admin = await KubeClient.fromKubeConfig(hub.kubeConfig);
    await installCrds(admin);
    // deploy/hub through the API (not the Deployment and Service: the manager runs here as a process).
    await applyManifests(admin, 'deploy/hub', ['Deployment', 'Service']);
    dir = mkdtempSync(join(tmpdir(), 'plinth-rbac-'));
    managerClient = await KubeClient.fromKubeConfig(await saKubeconfig(admin, hub, 'plinth-system', 'plinth-manager', join(dir, 'kubeconfig')));
    mkdirSync(join(dir, 'data'));
    const p = plinth(['manager', '--kubeconfig', join(dir, 'kubeconfig'), '--leader-elect-namespace', 'plinth-system', '--metrics-port', '0', '--fleet-listen', '127.0.0.1:0', '--data-dir', join(dir, 'data')], log);
    manager = p.child;
    exited = p.exited;
  });

  after(async () => {
    if (manager && manager.exitCode === null) {
      manager.kill('SIGTERM');
      await exited;
    }
    if (dir) {
      writeFileSync(join(dir, 'manager.log'), `${log.join('\n')}\n`);
      process.stderr.write(`manager log: ${join(dir, 'manager.log')} (${log.length} lines)\n`);
    }
    managerClient?.close();
    admin?.close();
    await Promise.all([hub?.stop(), git?.stop()]);
    if (dir && process.env.PLINTH_TEST_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  });

  test('it becomes leader and starts every controller', async () => {
    await eventually('the manager leads', () => Promise.resolve(log.some((l) => l.includes('became leader')) ? true : manager?.exitCode !== null ? assert.fail(`the manager exited:\n${log.join('\n')}`) : false), 60_000);
    const lease = await admin.get<{ spec: { holderIdentity?: string } }>(inNamespace(CORE.leases, 'plinth-system'), 'plinth-manager');
    assert.ok(lease.spec.holderIdentity, 'the manager holds its Lease');
  });

  test('a CellDeployment release completes: pods created, then updated in place', async () => {
    await ensureNamespace(admin, APPS);
    await createService(admin, APPS, 'web');
    await admin.create(inNamespace(RELEASE_RES.cellDeployments, APPS), cellDeployment(APPS, 'web', { replicas: 3, strategy: { batchSize: 3, drainSeconds: 0 } }));
    await waitPhase(admin, APPS, 'web', 'Completed', 120_000);
    const podsOf = async (): Promise<V1Pod[]> => (await admin.list<V1Pod>(inNamespace(CORE.pods, APPS), { labelSelector: `${KEYS.cellDeployment}=web` })).items;
    assert.equal((await podsOf()).length, 3);
    await admin.patch(inNamespace(RELEASE_RES.cellDeployments, APPS), 'web', { spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.local/web:2', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } } }, 'merge');
    const order = await currentOrderName(admin, APPS, 'web');
    await waitOrder(admin, APPS, order, (o) => o.status?.phase === 'Completed', 'completed', 120_000);
    await waitPhase(admin, APPS, 'web', 'Completed', 120_000);
    assert.deepEqual((await podsOf()).map((p) => p.spec?.containers[0]?.image), ['registry.local/web:2', 'registry.local/web:2', 'registry.local/web:2']);
  });

  test('a ReleasePlan moves a CellDeployment, then a Deployment that depends on it', async () => {
    await admin.create(inNamespace(CORE.deployments, APPS), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: APPS },
      spec: { replicas: 1, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'registry.local/api:1' }] } } },
    });
    await admin.create(inNamespace(RELEASE_PLANS, APPS), {
      apiVersion: 'apps.plinth.dev/v1alpha1',
      kind: 'ReleasePlan',
      metadata: { name: 'v3', namespace: APPS },
      spec: {
        apps: [
          { name: 'web', kind: 'CellDeployment', images: [{ container: 'web', image: 'registry.local/web:3' }] },
          { name: 'api', kind: 'Deployment', images: [{ container: 'api', image: 'registry.local/api:3' }], dependsOn: ['web'] },
        ],
        needConfirm: false,
        beta: false,
        confirmedStages: 0,
        paused: false,
        rollback: false,
      },
    });
    await eventually('the plan Completed', async () => (await admin.get<{ status?: { phase?: string } }>(inNamespace(RELEASE_PLANS, APPS), 'v3')).status?.phase === 'Completed', 180_000);
    const d = await admin.get<{ spec: { template: { spec: { containers: { image: string }[] } } } }>(inNamespace(CORE.deployments, APPS), 'api');
    assert.equal(d.spec.template.spec.containers[0]?.image, 'registry.local/api:3');
  });

  let agentAuth: { cert: string; key: string } | undefined;

  test('a member join is accepted: CSR approved, namespace and RBAC written by the manager', async () => {
    const t = await createJoinToken(admin, hub.kubeConfig, 600);
    // The hub stands in for the member (the join keeps its key in plinth-system there).
    const started = await startJoin(admin, { name: 'm1', hub: { server: t.hub, caPem: Buffer.from(t.caData, 'base64').toString() }, token: t.token, labels: { tier: 'edge' } });
    await eventually('the MemberCluster from the CSR', () => admin.get(MEMBER_RES.memberClusters, 'm1'));
    await admin.patch(MEMBER_RES.memberClusters, 'm1', { spec: { accepted: true } }, 'merge');
    const joined = await completeJoin(admin, { wait: true, timeoutMs: 60_000 });
    assert.equal(joined.state, 'issued');
    const csr = await admin.get<{ status: { conditions: { type: string; reason: string }[] } }>(MEMBER_RES.csrs, started.csr);
    assert.equal(csr.status.conditions.find((x) => x.type === 'Approved')?.reason, 'PlinthAccepted');
    await admin.get(MEMBER_RES.namespaces, memberNamespace('m1'));
    await admin.get({ ...MEMBER_RES.roleBindings, namespace: memberNamespace('m1') }, 'plinth-agent');
    await admin.get(MEMBER_RES.clusterRoleBindings, 'plinth:member:m1');
    await admin.get({ ...MEMBER_RES.roleBindings, namespace: FLEET_NAMESPACE }, 'plinth:member:m1');
    // The agent's heartbeat (written here as its agent would): the manager reads it and says Connected.
    await admin.create(inNamespace(CORE.leases, memberNamespace('m1')), { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: AGENT_LEASE }, spec: { holderIdentity: 'm1', leaseDurationSeconds: 600, renewTime: rfc3339Micro(Date.now()) } });
    await eventually('Connected=True', async () => (await admin.get<{ status?: { conditions?: { type: string; status: string }[] } }>(MEMBER_RES.memberClusters, 'm1')).status?.conditions?.some((c) => c.type === 'Connected' && c.status === 'True'));
    const kc = new KubeConfig();
    kc.loadFromString(joined.state === 'issued' ? joined.kubeconfig : '');
    const user = kc.getCurrentUser();
    assert.ok(user?.certData && user.keyData, 'the issued kubeconfig holds a client certificate');
    agentAuth = { cert: Buffer.from(user.certData, 'base64').toString(), key: Buffer.from(user.keyData, 'base64').toString() };
  });

  test('a FleetDelivery over a GitSource with a published artifact writes the ClusterDelivery; the fleet server serves it', async () => {
    const info = await eventually('the hub-info ConfigMap', async () => (await admin.get<{ data?: Record<string, string> }>(inNamespace(CORE.configMaps, FLEET_NAMESPACE), HUB_INFO_CONFIGMAP)).data);
    assert.ok(info['artifactURL']?.startsWith('https://127.0.0.1:'), info['artifactURL']);
    const ca = info['ca.crt'] ?? '';
    const { bytes, digest } = encodeArtifact([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hello', namespace: 'default' }, data: { a: '1' } }]);
    mkdirSync(join(dir, 'data', 'fleet', 'artifacts', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'data', 'fleet', 'artifacts', 'sha256', digest.slice('sha256:'.length)), bytes);

    await ensureNamespace(admin, DELIVERIES);
    const sources = inNamespace(FLEET_RES.gitSources, DELIVERIES);
    await admin.create(sources, { apiVersion: FLEET_API_VERSION, kind: 'GitSource', metadata: { name: 'repo', namespace: DELIVERIES }, spec: { url: 'file:///nonexistent/repo.git', ref: { branch: 'main' }, interval: '1h', suspend: true } });
    const gs = await admin.get<GitSource>(sources, 'repo');
    gs.status = { ...(gs.status ?? {}), commit: 'c0ffee0000000000000000000000000000000001', artifacts: [{ path: 'hello', digest, objects: 1 }] };
    await admin.replace(sources, 'repo', gs, { subresource: 'status' });
    await admin.create(inNamespace(FLEET_RES.fleetDeliveries, DELIVERIES), {
      apiVersion: FLEET_API_VERSION,
      kind: 'FleetDelivery',
      metadata: { name: 'hello', namespace: DELIVERIES },
      spec: { sourceRef: { name: 'repo' }, path: 'hello', placement: { clusterNames: ['m1'] }, prune: true, drift: 'Correct', suspend: false, paused: false, confirmedWaves: [] },
    });
    const cd = await eventually('the ClusterDelivery of m1', () => admin.get<ClusterDelivery>(inNamespace(FLEET_RES.clusterDeliveries, memberNamespace('m1')), clusterDeliveryName(DELIVERIES, 'hello')));
    assert.equal(cd.spec.artifact.digest, digest);
    assert.equal(cd.spec.artifact.url, info['artifactURL'] + artifactPath(digest));
    await eventually('the FleetDelivery status', async () => (await admin.get<{ status?: { clusters?: { placed?: number } } }>(inNamespace(FLEET_RES.fleetDeliveries, DELIVERIES), 'hello')).status?.clusters?.placed === 1);

    // A ServiceAccount allowed to get ClusterDeliveries in that namespace: TokenReview + SubjectAccessReview.
    const ns = memberNamespace('m1');
    await admin.create({ ...MEMBER_RES.serviceAccounts, namespace: ns }, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader' } });
    await admin.create({ ...MEMBER_RES.serviceAccounts, namespace: ns }, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'nobody' } });
    await admin.create({ ...MEMBER_RES.roleBindings, namespace: ns }, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'plinth:fleet-agent' }, subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }] });
    const byToken = await eventually('the artifact for a token', async () => {
      const r = await get(cd.spec.artifact.url, ca, { token: await saToken(admin, ns, 'reader') });
      return r.status === 200 ? r : undefined;
    }, 30_000);
    assert.ok(byToken.body.equals(bytes), 'the exact bytes');
    assert.equal((await get(cd.spec.artifact.url, ca, { token: await saToken(admin, ns, 'nobody') })).status, 403, 'a token without get clusterdeliveries there');
    // The agent's client certificate, verified against the API server's client CA (kube-system ConfigMap).
    assert.ok(agentAuth);
    const byCert = await get(cd.spec.artifact.url, ca, agentAuth);
    assert.equal(byCert.status, 200, byCert.body.toString());
    assert.ok(byCert.body.equals(bytes));
  });

  // The GitSource controller runs in the manager, as its ServiceAccount.
  test('the GitSource controller, as the manager ServiceAccount, reads its Secret, renders, writes status and Events', async () => {
    git = await startGitServer();
    const url = git.createRepo('site');
    const commit = git.commit('site', { 'hello/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hello-git\n  namespace: default\ndata:\n  a: "1"\n' });
    const ns = 'git';
    await ensureNamespace(admin, ns);
    await admin.create(inNamespace(CORE.secrets, ns), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'site-auth' }, stringData: { username: 'reader', password: 'not-needed-by-git-daemon' } });
    await admin.create(inNamespace(FLEET_RES.gitSources, ns), { apiVersion: FLEET_API_VERSION, kind: 'GitSource', metadata: { name: 'site', namespace: ns }, spec: { url, ref: { branch: 'main' }, interval: '1h', suspend: false, secretRef: { name: 'site-auth' } } });
    await admin.create(inNamespace(FLEET_RES.fleetDeliveries, ns), { apiVersion: FLEET_API_VERSION, kind: 'FleetDelivery', metadata: { name: 'site', namespace: ns }, spec: { sourceRef: { name: 'site' }, path: 'hello', placement: { clusterNames: ['m1'] }, prune: true, drift: 'Correct', suspend: false, paused: false, confirmedWaves: [] } });
    {
      const gs = await eventually('the GitSource rendered', async () => {
        const x = await admin.get<GitSource>(inNamespace(FLEET_RES.gitSources, ns), 'site');
        return x.status?.commit === commit && x.status.artifacts?.some((a) => a.path === 'hello' && a.digest) ? x : undefined;
      }, 60_000);
      assert.equal(gs.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', JSON.stringify(gs.status?.conditions));
      // The manager's FleetDelivery controller takes the rendered artifact to m1; its fleet server serves it.
      const digest = gs.status?.artifacts?.find((a) => a.path === 'hello')?.digest ?? '';
      await eventually('the ClusterDelivery of the rendered artifact', async () => (await admin.get<ClusterDelivery>(inNamespace(FLEET_RES.clusterDeliveries, memberNamespace('m1')), clusterDeliveryName(ns, 'site'))).spec.artifact.digest === digest);
      const events = await eventually('the NewCommit Event', async () => {
        const list = (await admin.list<{ reason?: string; regarding?: { name?: string } }>(inNamespace(CORE.eventsV1, ns))).items;
        return list.some((e) => e.reason === 'NewCommit' && e.regarding?.name === 'site') ? list : undefined;
      }, 30_000);
      assert.ok(events.length > 0);
    }
  });

  test("the agent, as deploy/agent's ServiceAccount on its member, applies, records, corrects drift and reports", async () => {
    // The hub stands in for the member m1 (its plinth-system holds m1's join Secret with the issued hub kubeconfig).
    await applyManifests(admin, 'deploy/agent', ['Deployment']);
    await saKubeconfig(admin, hub, 'plinth-system', 'plinth-agent', join(dir, 'agent-kubeconfig'));
    const lines: string[] = [];
    const agent = plinth(['agent', '--cluster', 'm1', '--kubeconfig', join(dir, 'agent-kubeconfig')], lines);
    try {
      const cds = inNamespace(FLEET_RES.clusterDeliveries, memberNamespace('m1'));
      for (const name of [clusterDeliveryName(DELIVERIES, 'hello'), clusterDeliveryName('git', 'site')]) {
        await eventually(`${name} applied (agent: ${lines.slice(-3).join(' | ')})`, async () => {
          const cd = await admin.get<ClusterDelivery>(cds, name);
          return cd.status?.appliedDigest === cd.spec.artifact.digest;
        }, 90_000);
      }
      const cms = inNamespace(CORE.configMaps, 'default');
      await admin.get(cms, 'hello-git');
      const first = (await admin.get<KubeObject>(cms, 'hello')).metadata?.uid;
      await admin.delete(cms, 'hello');
      await eventually('the deleted ConfigMap applied again (drift: Correct)', async () => {
        const uid = (await admin.get<KubeObject>(cms, 'hello')).metadata?.uid;
        return uid !== undefined && uid !== first;
      }, 30_000);
      await eventually('the MemberCluster status written by the agent', async () => (await admin.get<{ status?: { agentVersion?: string } }>(MEMBER_RES.memberClusters, 'm1')).status?.agentVersion, 60_000);
      assert.equal(agent.child.exitCode, null, lines.slice(-10).join('\n'));
      assert.deepEqual(lines.filter((l) => /forbidden/i.test(l)), [], 'no request of the agent was forbidden');
    } finally {
      agent.child.kill('SIGTERM');
      await agent.exited;
      if (dir) writeFileSync(join(dir, 'agent.log'), `${lines.join('\n')}\n`);
    }
  });

  test('a ReleasePolicy holds a release while the upgrade lock Lease is held and reports its status', async () => {
    const ns = 'policy';
    await ensureNamespace(admin, ns);
    const cd = cellDeployment(ns, 'pay', { replicas: 3, strategy: { batchSize: 3 } });
    cd.metadata.labels = { app: 'pay', 'plinth.dev/system': 'payments' };
    await admin.create(inNamespace(RELEASE_RES.cellDeployments, ns), cd);
    await waitPhase(admin, ns, 'pay', 'Completed', 120_000);
    const leases = inNamespace(CORE.leases, ns);
    await admin.create(leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'cluster-upgrade' }, spec: { holderIdentity: 'upgrader-1', leaseDurationSeconds: 3600, renewTime: rfc3339Micro(Date.now()) } });
    await admin.create(inNamespace(RELEASE_POLICIES, ns), {
      apiVersion: 'apps.plinth.dev/v1alpha1',
      kind: 'ReleasePolicy',
      metadata: { name: 'lock', namespace: ns },
      spec: { selector: { matchLabels: { app: 'pay' } }, preChecks: { conflicts: { upgradeLockLease: { namespace: ns, name: 'cluster-upgrade' }, systemLabel: 'plinth.dev/system' } } },
    });
    await eventually('the policy status', async () => (await admin.get<{ status?: { observedGeneration?: number } }>(inNamespace(RELEASE_POLICIES, ns), 'lock')).status?.observedGeneration === 1);
    const before = (await admin.get<{ status?: { releaseOrder?: string } }>(inNamespace(RELEASE_RES.cellDeployments, ns), 'pay')).status?.releaseOrder;
    await admin.patch(inNamespace(RELEASE_RES.cellDeployments, ns), 'pay', { spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.local/web:9', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } } }, 'merge');
    const order = await currentOrderName(admin, ns, 'pay', before);
    await waitOrder(admin, ns, order, (o) => o.status?.phase === 'Blocked', 'Blocked by the lock', 60_000);
    await admin.delete(leases, 'cluster-upgrade');
    await waitOrder(admin, ns, order, (o) => o.status?.phase === 'Completed', 'Completed once the lock is gone', 120_000);
  });

  test('a blue-green release switches its Service (services get, patch)', async () => {
    const ns = 'bluegreen';
    await ensureNamespace(admin, ns);
    await createService(admin, ns, 'web');
    await admin.create(inNamespace(RELEASE_RES.cellDeployments, ns), cellDeployment(ns, 'web', { replicas: 3, strategy: { type: 'BlueGreen', drainSeconds: 0, blueGreen: { activeService: 'web', scaleDownDelaySeconds: 0 } } }));
    await waitPhase(admin, ns, 'web', 'Completed', 120_000);
    const before = (await admin.get<{ status?: { releaseOrder?: string } }>(inNamespace(RELEASE_RES.cellDeployments, ns), 'web')).status?.releaseOrder;
    await admin.patch(inNamespace(RELEASE_RES.cellDeployments, ns), 'web', { spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.local/web:2', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } } }, 'merge');
    const order = await currentOrderName(admin, ns, 'web', before);
    const done = await waitOrder(admin, ns, order, (o) => o.status?.phase === 'Completed', 'Completed', 120_000);
    const svc = await admin.get<{ spec: { selector?: Record<string, string> } }>(inNamespace(CORE.services, ns), 'web');
    assert.equal(svc.spec.selector?.[KEYS.revision], done.spec.toRevision, 'the Service selects the green revision');
  });

  test('a signed Git webhook reaches the GitSource (fleet server: source and Secret read, push annotated)', async () => {
    const info = (await admin.get<{ data: Record<string, string> }>(inNamespace(CORE.configMaps, FLEET_NAMESPACE), HUB_INFO_CONFIGMAP)).data;
    await admin.create(inNamespace(CORE.secrets, 'git'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'site-hook' }, stringData: { token: 'hook-secret' } });
    await admin.patch(inNamespace(FLEET_RES.gitSources, 'git'), 'site', { spec: { webhookSecretRef: { name: 'site-hook' } } }, 'merge');
    const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/main' }));
    const sig = `sha256=${createHmac('sha256', 'hook-secret').update(body).digest('hex')}`;
    const r = await call(`${info['artifactURL']}/hooks/git/git/site`, info['ca.crt'] ?? '', {}, { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sig, 'X-GitHub-Event': 'push' } });
    assert.ok(r.status >= 200 && r.status < 300, `${r.status} ${r.body.toString()}`);
    const gs = await admin.get<{ metadata: { annotations?: Record<string, string> } }>(inNamespace(FLEET_RES.gitSources, 'git'), 'site');
    assert.ok(gs.metadata.annotations?.[PUSH_REQUESTED_ANNOTATION], 'the push is recorded on the GitSource');
  });

  test('deleting a FleetDelivery removes its ClusterDeliveries (finalizer) and then itself', async () => {
    await admin.delete(inNamespace(FLEET_RES.fleetDeliveries, DELIVERIES), 'hello');
    await eventually('the FleetDelivery gone', async () => {
      const left = await admin.list(inNamespace(FLEET_RES.fleetDeliveries, DELIVERIES));
      return left.items.length === 0;
    }, 60_000);
    const cds = await admin.list(inNamespace(FLEET_RES.clusterDeliveries, memberNamespace('m1')));
    assert.deepEqual(cds.items.map((c) => c.metadata?.name), [clusterDeliveryName('git', 'site')]);
  });

  test('the controllers recorded Events (events.k8s.io or core, whichever the hub serves)', async () => {
    const byManager = async (ns: string): Promise<string[]> => {
      const v1 = (await admin.list<{ reportingController?: string; reason?: string }>(inNamespace(CORE.eventsV1, ns))).items;
      return v1.filter((e) => e.reportingController?.includes('plinth')).map((e) => `${e.reportingController}/${e.reason}`);
    };
    const release = await byManager(APPS);
    assert.ok(release.length > 0, 'release events in the app namespace');
    const member = await byManager('default');
    assert.ok(member.some((e) => e.includes('JoinRequested')), `membership events: ${member.join(', ')}`);
  });

  test('the manager never met a forbidden, and stops cleanly', async () => {
    assert.equal(manager?.exitCode, null, `the manager is still running:\n${log.slice(-20).join('\n')}`);
    const denied = log.filter((l) => /forbidden/i.test(l));
    assert.deepEqual(denied, [], 'no request of the manager was forbidden');
    manager?.kill('SIGTERM');
    assert.equal(await exited, 0);
    const again = log.filter((l) => /forbidden/i.test(l));
    assert.deepEqual(again, [], 'not on the way out either');
  });
});
