// The fleet end to end, every part real: a NEW hub running the real `plinth manager` (GitSource, FleetDelivery and
// MemberCluster controllers, the fleet HTTPS server), two members (one OLD 1.24, one NEW) each joined with the real
// CLI (`fleet token create`, `fleet join`, `fleet accept` / auto-accept by label) and each running the real
// `plinth agent` with only the identity its join earned, and a real `git daemon`. A commit reaches both members;
// a signed webhook push brings the next commit at once; overrides apply per cluster; a rollback returns the fleet
// to the previous commit and records who asked; invalid YAML in the repository names file:line and changes nothing
// on the members; the agents' hub identities are refused other members' namespaces.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { KubeClient } from '../src/kube/http.js';
import { sleep } from '../src/kube/clock.js';
import { ref } from '../src/kube/resource.js';
import { installCrds } from '../src/api/install.js';
import { FLEET_GROUP, FLEET_VERSION, type FleetDelivery, type GitSource, type MemberCluster } from '../src/api/index.js';
import { FLEET_NAMESPACE, HUB_INFO_CONFIGMAP, memberNamespace } from '../src/fleet/names.js';
import { startGitServer, type GitServer } from './support/git-server.js';
import { background, ok, stopProcess, until } from './support/cli.js';

const GV = `${FLEET_GROUP}/${FLEET_VERSION}`;
const MEMBERS = ref(GV, 'memberclusters');
const SOURCES = ref(GV, 'gitsources', 'fleet');
const DELIVERIES = ref(GV, 'fleetdeliveries', 'fleet');
const CONFIGMAPS = (ns: string) => ref('v1', 'configmaps', ns);
const DEPLOYMENTS = (ns: string) => ref('apps/v1', 'deployments', ns);
const WEBHOOK_TOKEN = 'e2e-webhook-secret';

/** The sample application at one value: a Namespace, a ConfigMap and a Deployment. */
function app(value: string): Record<string, string> {
  return {
    'apps/web/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n',
    'apps/web/config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: web\ndata:\n  value: "${value}"\n`,
    'apps/web/deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      '  namespace: web',
      'spec:',
      '  replicas: 1',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec:',
      '      containers:',
      `      - {name: web, image: "registry.local/web:${value}", resources: {requests: {cpu: 10m, memory: 16Mi}}}`,
      '',
    ].join('\n'),
  };
}

describe('fleet end to end: Git → hub → agents → members', { timeout: 900_000 }, () => {
  let hub: LocalCluster;
  const members: { name: string; cluster: LocalCluster; labels: string; client?: KubeClient; agent?: ChildProcess; log: string[] }[] = [];
  let hubClient: KubeClient;
  let git: GitServer;
  let manager: ChildProcess | undefined;
  const managerLog: string[] = [];
  let dataDir: string;
  let repoUrl: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plinth-fleet-e2e-'));
    // One cluster at a time (a CI run once hung with three started at once in this process).
    const h = await startCluster({ version: 'new', nodes: 1, zones: 1 });
    const old = await startCluster({ version: 'old', nodes: 1, zones: 1 });
    const neu = await startCluster({ version: 'new', nodes: 1, zones: 1 });
    const g = await startGitServer();
    hub = h;
    git = g;
    members.push({ name: 'province-1', cluster: old, labels: 'tier=province,region=north', log: [] });
    members.push({ name: 'edge-1', cluster: neu, labels: 'tier=edge,region=south,arch=arm64', log: [] });
    hubClient = await KubeClient.fromKubeConfig(hub.kubeConfig);
    await installCrds(hubClient);
    for (const m of members) m.client = await KubeClient.fromKubeConfig(m.cluster.kubeConfig);
    git.createRepo('fleet');
    git.commit('fleet', app('v1'), { message: 'v1' });
    repoUrl = git.url('fleet');
    // The hub's manager: every controller, the fleet server on loopback; edge members are accepted by label.
    manager = background(hub.kubeconfigPath, managerLog, { PLINTH_FLEET_AUTO_ACCEPT: 'tier=edge', PLINTH_LOG_LEVEL: 'info' }, 'manager', '--no-leader-elect', '--metrics-port', '0', '--fleet-listen', '127.0.0.1:0', '--data-dir', dataDir);
  });

  after(async () => {
    for (const m of members) await stopProcess(m.agent);
    await stopProcess(manager);
    for (const m of members) m.client?.close();
    hubClient?.close();
    await Promise.all([hub?.stop(), ...members.map((m) => m.cluster.stop()), git?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('members join with a token: province accepted by a person, edge by the label policy; agents connect', async () => {
    const token = JSON.parse(await ok(hub.kubeconfigPath, 'fleet', 'token', 'create', '--ttl', '30m', '-o', 'json')) as { token: string; hub: string; caData: string };
    for (const m of members) {
      await ok(m.cluster.kubeconfigPath, 'fleet', 'join', m.name, '--hub', token.hub, '--token', token.token, '--hub-ca-data', token.caData, '--labels', m.labels);
      // The agent starts at once; it waits for the hub to accept before it does anything.
      m.agent = background(m.cluster.kubeconfigPath, m.log, { PLINTH_LOG_LEVEL: 'info' }, 'agent', '--cluster', m.name);
    }
    const province = await until('the province member asks to join', () => hubClient.get<MemberCluster>(MEMBERS, 'province-1'), 60_000, managerLog);
    assert.equal(province.spec.accepted, false, 'a member not matching the auto-accept policy waits for a person');
    assert.equal(province.metadata.labels?.['tier'], 'province');
    await ok(hub.kubeconfigPath, 'fleet', 'accept', 'province-1');
    for (const m of members) {
      const mc = await until(
        `${m.name} Ready`,
        async () => {
          const o = await hubClient.get<MemberCluster>(MEMBERS, m.name);
          return o.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? o : undefined;
        },
        90_000,
        m.log,
      );
      assert.equal(mc.spec.accepted, true);
      assert.ok(mc.status?.kubernetesVersion?.startsWith(m.name === 'province-1' ? 'v1.24' : 'v1.34'), `${m.name} reports its version: ${mc.status?.kubernetesVersion}`);
      assert.ok((mc.status?.nodeCount ?? 0) >= 1);
    }
    const names = (await ok(hub.kubeconfigPath, 'fleet', 'clusters', '-o', 'name')).trim().split('\n').sort();
    assert.deepEqual(names, ['membercluster/edge-1', 'membercluster/province-1']);
  });

  test('a commit reaches both members, with the edge override', async () => {
    await hubClient.create(ref('v1', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fleet' } }).catch(() => undefined);
    await hubClient.create(ref('v1', 'secrets', 'fleet'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'webhook', namespace: 'fleet' }, stringData: { token: WEBHOOK_TOKEN } });
    await hubClient.create<GitSource>(SOURCES, {
      apiVersion: GV,
      kind: 'GitSource',
      metadata: { name: 'apps', namespace: 'fleet' },
      spec: { url: repoUrl, ref: { branch: 'main' }, interval: '10m', webhookSecretRef: { name: 'webhook' }, suspend: false },
    });
    await hubClient.create<FleetDelivery>(DELIVERIES, {
      apiVersion: GV,
      kind: 'FleetDelivery',
      metadata: { name: 'web', namespace: 'fleet' },
      spec: {
        sourceRef: { name: 'apps' },
        path: 'apps/web',
        placement: { clusterSelector: {} },
        overrides: [{ clusterSelector: { matchLabels: { tier: 'edge' } }, replicas: 2, labels: { 'fleet.example/tier': 'edge' } }],
        prune: true,
        drift: 'Correct',
        suspend: false,
        paused: false,
        confirmedWaves: [],
      },
    });
    for (const m of members) {
      await until(`v1 on ${m.name}`, async () => (await m.client!.get<{ data?: Record<string, string> }>(CONFIGMAPS('web'), 'web-config')).data?.['value'] === 'v1', 90_000, managerLog);
    }
    const edgeDeploy = await members[1]!.client!.get<{ spec: { replicas: number }; metadata: { labels?: Record<string, string> } }>(DEPLOYMENTS('web'), 'web');
    assert.equal(edgeDeploy.spec.replicas, 2, 'the edge override set replicas');
    assert.equal(edgeDeploy.metadata.labels?.['fleet.example/tier'], 'edge');
    const provinceDeploy = await members[0]!.client!.get<{ spec: { replicas: number } }>(DEPLOYMENTS('web'), 'web');
    assert.equal(provinceDeploy.spec.replicas, 1, 'no override on the province member');
    let seen = '';
    await until('the delivery reports every cluster healthy', async () => {
      const d = await hubClient.get<FleetDelivery>(DELIVERIES, 'web');
      const cds = await Promise.all(members.map((m) => hubClient.list(ref(GV, 'clusterdeliveries', memberNamespace(m.name)))));
      seen = JSON.stringify({ delivery: d.status, clusters: cds.map((l) => l.items.map((i) => (i as { status?: unknown }).status)) });
      return d.status?.clusters?.healthy === 2 && d.status.clusters.placed === 2 ? d : undefined;
    }, 90_000).catch((err: unknown) => assert.fail(`${String(err)}\nlast seen: ${seen}`));
  });

  test('a signed webhook push brings the next commit to both members at once (no poll: interval is 10m)', async () => {
    const c2 = git.commit('fleet', { 'apps/web/config.yaml': app('v2')['apps/web/config.yaml']! }, { message: 'v2' });
    const info = await hubClient.get<{ data?: Record<string, string> }>(CONFIGMAPS(FLEET_NAMESPACE), HUB_INFO_CONFIGMAP);
    const base = new URL(info.data!['artifactURL']!);
    const body = JSON.stringify({ ref: 'refs/heads/main', after: c2 });
    const signature = `sha256=${createHmac('sha256', WEBHOOK_TOKEN).update(body).digest('hex')}`;
    const post = (sig: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request(
          { host: base.hostname, port: base.port, path: '/hooks/git/fleet/apps', method: 'POST', ca: info.data!['ca.crt'], headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': sig } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    assert.equal(await post('sha256=' + '0'.repeat(64)), 401, 'a wrong signature is refused');
    await sleep(1500);
    assert.equal((await members[0]!.client!.get<{ data?: Record<string, string> }>(CONFIGMAPS('web'), 'web-config')).data?.['value'], 'v1', 'a refused push fetches nothing');
    const t0 = Date.now();
    assert.equal(await post(signature), 202);
    for (const m of members) {
      await until(`v2 on ${m.name}`, async () => (await m.client!.get<{ data?: Record<string, string> }>(CONFIGMAPS('web'), 'web-config')).data?.['value'] === 'v2', 60_000, managerLog);
    }
    const took = Date.now() - t0;
    assert.ok(took < 20_000, `push → applied on both members took ${took} ms`);
    const d = await hubClient.get<FleetDelivery>(DELIVERIES, 'web');
    assert.equal(d.status?.revision, c2);
  });

  test('a drift on a member is corrected by its agent', async () => {
    const m = members[0]!;
    await m.client!.patch(CONFIGMAPS('web'), 'web-config', { data: { value: 'edited-by-hand' } }, 'merge');
    await until('the drift corrected', async () => (await m.client!.get<{ data?: Record<string, string> }>(CONFIGMAPS('web'), 'web-config')).data?.['value'] === 'v2', 30_000, m.log);
  });

  test('invalid YAML in the repository: the condition names file:line, the members keep running v2', async () => {
    git.commit('fleet', { 'apps/web/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: web\ndata:\n  value: [unclosed\n' }, { message: 'broken' });
    await hubClient.patch(SOURCES, 'apps', { metadata: { annotations: { 'fleet.plinth.dev/push-requested-at': new Date().toISOString() } } }, 'merge');
    const msg = await until('the delivery or source names the bad file', async () => {
      const s = await hubClient.get<GitSource>(SOURCES, 'apps');
      const d = await hubClient.get<FleetDelivery>(DELIVERIES, 'web');
      const texts = [...(s.status?.artifacts ?? []).map((a) => a.error ?? ''), ...(d.status?.conditions ?? []).map((c) => c.message)];
      return texts.find((t) => /config\.yaml:\d+/.test(t));
    }, 60_000, managerLog);
    assert.match(msg, /config\.yaml:\d+/);
    await sleep(2000);
    for (const m of members) assert.equal((await m.client!.get<{ data?: Record<string, string> }>(CONFIGMAPS('web'), 'web-config')).data?.['value'], 'v2');
    // Fix it again (v3) so the rollback below has a previous revision to return to.
    git.commit('fleet', { 'apps/web/config.yaml': app('v3')['apps/web/config.yaml']! }, { message: 'v3' });
    await hubClient.patch(SOURCES, 'apps', { metadata: { annotations: { 'fleet.plinth.dev/push-requested-at': new Date().toISOString() } } }, 'merge');
    for (const m of members) {
      await until(`v3 on ${m.name}`, async () => (await m.client!.get<{ data?: Record<string, string> }>(CONFIGMAPS('web'), 'web-config')).data?.['value'] === 'v3', 60_000, managerLog);
    }
  });

  test('rollback returns every member to the previous commit and records who asked', async () => {
    await ok(hub.kubeconfigPath, 'fleet', 'rollout', 'rollback', 'web', '-n', 'fleet');
    for (const m of members) {
      await until(`v2 again on ${m.name}`, async () => (await m.client!.get<{ data?: Record<string, string> }>(CONFIGMAPS('web'), 'web-config')).data?.['value'] === 'v2', 60_000, managerLog);
    }
    const d = await hubClient.get<FleetDelivery>(DELIVERIES, 'web');
    // The person's decision (the controller then records its own RollbackStarted as system:plinth).
    const entry = (d.status?.history ?? []).find((h) => /rollback/i.test(h.action) && h.by !== 'system:plinth');
    assert.ok(entry, `a rollback entry by a user in the history: ${JSON.stringify(d.status?.history)}`);
    assert.equal(entry.by, 'plinth-admin', 'the local admin certificate is the user who asked');
  });

  test("an agent's hub identity cannot read another member's namespace", async () => {
    const secret = await members[0]!.client!.get<{ data?: Record<string, string> }>(ref('v1', 'secrets', 'plinth-system'), 'plinth-agent-hub');
    const kcText = Buffer.from(secret.data!['kubeconfig']!, 'base64').toString('utf8');
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromString(kcText);
    const asAgent = await KubeClient.fromKubeConfig(kc);
    try {
      const own = await asAgent.list(ref(GV, 'clusterdeliveries', memberNamespace('province-1')));
      assert.equal(own.items.length, 1, 'it reads its own ClusterDelivery');
      await assert.rejects(asAgent.list(ref(GV, 'clusterdeliveries', memberNamespace('edge-1'))), (err: { status?: number }) => err.status === 403);
      await assert.rejects(asAgent.list(ref('v1', 'secrets', 'fleet')), (err: { status?: number }) => err.status === 403);
    } finally {
      asAgent.close();
    }
  });
});
