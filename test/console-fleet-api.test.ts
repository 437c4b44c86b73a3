// The console's overview, fleet, audit and live-event routes on ONE real NEW cluster with Plinth's CRDs (no
// agents, no controllers: the test writes the MemberClusters' and ClusterDeliveries' status itself). The console
// runs in process as its own ServiceAccount with only its shipped ClusterRole (deploy/rbac/console.yaml):
//  - alice: `edit` in the delivery's namespace, `view` in one member namespace, and a ClusterRole to read
//    MemberClusters and nodes; bob: `view` in the delivery's namespace only;
//  - the overview: alice sees the hub's nodes and the member; bob gets membersError (403), not a failure;
//  - sources, deliveries and a delivery's detail (rows alice may not read are counted in hiddenClusters);
//  - alice pauses the FleetDelivery: her name is in its history and in /api/v1/audit; bob is refused by the API
//    server (403 naming verb and resource);
//  - an SSE stream opened with ?namespace= sees a Pod change, the FleetDelivery change, a ClusterDelivery change
//    (only the one alice may list) and a new CellDeployment.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { installCrds } from '../src/api/install.js';
import type { FleetDelivery } from '../src/api/index.js';
import type { ChangeEvent } from '../src/app/console/events.js';
import { installAggregatedRoles } from '../src/app/console/rbac.js';
import { buildConsole, type ConsoleServer } from '../src/app/console/server.js';
import { FLEET_API_VERSION, RES } from '../src/fleet/delivery/keys.js';
import { LABEL_CLUSTER, LABEL_DELIVERY_NAME, LABEL_DELIVERY_NAMESPACE, clusterDeliveryName, memberNamespace } from '../src/fleet/names.js';
import { apply } from '../src/kube/apply.js';
import { KubeClient } from '../src/kube/http.js';
import { ensureNamespace } from '../src/kube/namespaces.js';
import { CORE, inNamespace, ref } from '../src/kube/resource.js';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { until } from './support/cli.js';
import { cdRef, cellDeployment } from './support/release-env.js';
import { boundServiceAccount, consoleIdentityClient, ConsoleCaller, saToken } from './support/console-users.js';
import { readinessOf } from '../src/app/console/routes-upgrade.js';

const NS = 'ops';
const RBAC = 'rbac.authorization.k8s.io/v1';
const ALICE = `system:serviceaccount:${NS}:alice`;
const BOB = `system:serviceaccount:${NS}:bob`;
const NOW = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const DIGEST = `sha256:${'a'.repeat(64)}`;

let cluster: LocalCluster;
let client: KubeClient;
let consoleClient: KubeClient;
let srv: ConsoleServer;
let base = '';
const tokens: Record<string, string> = {};

const bind = (sa: string, role: string, ns?: string): Promise<void> => boundServiceAccount(client, NS, sa, role, ns ?? null);
const as = (token: string): Promise<ConsoleCaller> => ConsoleCaller.signedIn(() => base, token);

/** An SSE stream: `next` waits for an event matching `pred`. */
function stream(c: ConsoleCaller, query: string): { ready: Promise<void>; next: (pred: (e: ChangeEvent) => boolean, timeoutMs?: number) => Promise<ChangeEvent>; all: () => ChangeEvent[]; close: () => void } {
  const ac = new AbortController();
  const seen: ChangeEvent[] = [];
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  void (async () => {
    const res = await fetch(`${base}/api/v1/events${query}`, { headers: { cookie: c.cookie }, signal: ac.signal });
    assert.equal(res.status, 200);
    markReady();
    const dec = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += dec.decode(chunk, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const data = buf.slice(0, i).split('\n').find((l) => l.startsWith('data: '));
        buf = buf.slice(i + 2);
        if (data) seen.push(JSON.parse(data.slice(6)) as ChangeEvent);
      }
    }
  })().catch(() => undefined);
  let from = 0;
  return {
    ready,
    all: () => [...seen],
    close: () => ac.abort(),
    next: async (pred, timeoutMs = 10_000) => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const k = seen.slice(from).findIndex(pred);
        if (k >= 0) {
          from += k + 1;
          return seen[from - 1]!;
        }
        if (Date.now() > end) throw new Error(`no matching event within ${timeoutMs} ms; seen ${JSON.stringify(seen.slice(from).map((e) => `${e.kind} ${e.namespace}/${e.name}`))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

async function memberCluster(name: string, labels: Record<string, string>): Promise<void> {
  await client.create(RES.memberClusters, { apiVersion: FLEET_API_VERSION, kind: 'MemberCluster', metadata: { name, labels }, spec: { accepted: true } });
  const cond = (type: string): Record<string, string> => ({ type, status: 'True', reason: 'Test', message: '', lastTransitionTime: NOW });
  await client.patch(
    RES.memberClusters,
    name,
    { status: { kubernetesVersion: 'v1.34.1', agentVersion: '0.1.0', lastHeartbeat: NOW, nodes: [{ zone: 'z1', arch: 'arm64', count: 2, ready: 2 }], conditions: [cond('Joined'), cond('Connected'), cond('Ready')] } },
    'merge',
    { subresource: 'status' },
  );
}

async function clusterDelivery(member: string, health: 'Healthy' | 'Degraded'): Promise<void> {
  const ns = memberNamespace(member);
  const name = clusterDeliveryName(NS, 'app');
  await client.create(inNamespace(RES.clusterDeliveries, ns), {
    apiVersion: FLEET_API_VERSION,
    kind: 'ClusterDelivery',
    metadata: { name, namespace: ns, labels: { [LABEL_DELIVERY_NAMESPACE]: NS, [LABEL_DELIVERY_NAME]: 'app', [LABEL_CLUSTER]: member } },
    spec: { delivery: { namespace: NS, name: 'app' }, revision: 'c2', sequence: 2, artifact: { digest: DIGEST, url: 'https://hub.test/a' }, prune: true, drift: 'Correct', suspend: false },
  });
  await client.patch(
    inNamespace(RES.clusterDeliveries, ns),
    name,
    {
      status: {
        appliedRevision: 'c2',
        appliedSequence: 2,
        health,
        lastAppliedAt: NOW,
        drift: { detected: 1, corrected: 1 },
        ...(health === 'Degraded' ? { failures: [{ kind: 'Deployment', namespace: 'web', name: 'api', message: 'rollout stuck' }] } : {}),
      },
    },
    'merge',
    { subresource: 'status' },
  );
}

describe('console fleet API', { timeout: 600_000 }, () => {
  before(async () => {
    cluster = await startCluster({ version: 'new', nodes: 2, zones: 2 });
    client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
    await installCrds(client);
    await installAggregatedRoles(client);
    for (const ns of [NS, 'plinth-system', memberNamespace('edge-1'), memberNamespace('edge-2')]) await ensureNamespace(client, ns);
    await apply(client, ref(RBAC, 'clusterroles'), {
      apiVersion: RBAC,
      kind: 'ClusterRole',
      metadata: { name: 'test-fleet-overview' },
      rules: [
        { apiGroups: ['fleet.plinth.dev'], resources: ['memberclusters'], verbs: ['get', 'list'] },
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] },
      ],
    });
    await bind('alice', 'edit', NS);
    await bind('alice', 'view', memberNamespace('edge-1'));
    await bind('alice', 'test-fleet-overview');
    await bind('bob', 'view', NS);
    tokens.alice = await saToken(client, NS, 'alice');
    tokens.bob = await saToken(client, NS, 'bob');
    await until('edit aggregates fleetdeliveries/status', async () => {
      const edit = await client.get<{ rules?: Array<{ resources?: string[] }> }>(ref(RBAC, 'clusterroles'), 'edit');
      return edit.rules?.some((r) => r.resources?.includes('fleetdeliveries/status')) ? true : undefined;
    });

    await memberCluster('edge-1', { tier: 'edge', region: 'north', arch: 'arm64' });
    await memberCluster('edge-2', { tier: 'edge', region: 'south', arch: 'arm64' });
    await client.create(inNamespace(RES.gitSources, NS), { apiVersion: FLEET_API_VERSION, kind: 'GitSource', metadata: { name: 'repo', namespace: NS }, spec: { url: 'https://git.test/repo.git', ref: { branch: 'main' }, interval: '1m', suspend: false } });
    const fd = await client.create<FleetDelivery>(inNamespace(RES.fleetDeliveries, NS), {
      apiVersion: FLEET_API_VERSION,
      kind: 'FleetDelivery',
      metadata: { name: 'app', namespace: NS },
      spec: { sourceRef: { name: 'repo' }, path: 'apps/web', placement: { clusterSelector: {} }, rollout: { waves: [{ name: 'first', clusterNames: ['edge-1'] }] } },
    });
    await client.patch(
      inNamespace(RES.fleetDeliveries, NS),
      fd.metadata.name ?? 'app',
      { status: { phase: 'Progressing', revision: 'c2', waves: [{ name: 'first', phase: 'Succeeded', revision: 'c2' }, { name: 'rest', phase: 'Progressing', revision: 'c2' }], clusters: { placed: 2, applied: 2, healthy: 1, failed: 1, disconnected: 0 } } },
      'merge',
      { subresource: 'status' },
    );
    await clusterDelivery('edge-1', 'Healthy');
    await clusterDelivery('edge-2', 'Degraded');

    consoleClient = await consoleIdentityClient(client, cluster.kubeConfig);
    srv = await buildConsole({ client: consoleClient });
    await srv.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(srv.app.server.address() as { port: number }).port}`;
  });
  after(async () => {
    await srv?.close();
    consoleClient?.close();
    client?.close();
    await cluster?.stop();
  });

  test('the overview: the hub and its members for alice; bob may not list members, which is not a failure', async () => {
    const alice = await as(tokens.alice!);
    const o = await alice.call('GET', '/api/v1/overview');
    assert.equal(o.status, 200, JSON.stringify(o.body));
    const hub = o.body.hub as { name: string; kubernetesVersion: string; nodes: { total: number; ready: number; byZone: Record<string, number> } };
    assert.equal(hub.name, 'hub');
    assert.match(hub.kubernetesVersion, /^v1\.34\./);
    assert.equal(hub.nodes.total, 2);
    assert.equal(Object.values(hub.nodes.byZone).reduce((a, b) => a + b, 0), 2);
    assert.equal(o.body.fleetEnabled, true);
    const members = o.body.members as Array<{ name: string; tier: string; region: string; connected: boolean; ready: boolean; kubernetesVersion: string; nodes: { total: number; byArch: Record<string, number> } }>;
    assert.deepEqual(members.map((m) => [m.name, m.tier, m.region, m.connected, m.ready, m.kubernetesVersion, m.nodes.total, m.nodes.byArch.arm64]), [
      ['edge-1', 'edge', 'north', true, true, 'v1.34.1', 2, 2],
      ['edge-2', 'edge', 'south', true, true, 'v1.34.1', 2, 2],
    ]);

    const bob = await as(tokens.bob!);
    const b = await bob.call('GET', '/api/v1/overview');
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.equal(b.body.fleetEnabled, false);
    assert.deepEqual(b.body.members, []);
    const err = b.body.membersError as { code: string; message: string };
    assert.equal(err.code, 'KUBE_API');
    assert.match(err.message, /cannot list resource "memberclusters"/);
    assert.match(String((b.body.hub as { nodesError: { message: string } }).nodesError.message), /cannot list resource "nodes"/);
  });

  test('upgrade readiness of a 1.34 hub: every part is assessed (create-only kinds such as SelfSubjectReview are not listed)', async () => {
    const r = await readinessOf(client, '1.34');
    assert.deepEqual(r.errors, []);
    assert.match(r.current ?? '', /^v1\.34\./);
  });

  test('sources, deliveries and a delivery detail; ClusterDeliveries a user may not read are counted as hidden', async () => {
    const bob = await as(tokens.bob!);
    const sources = await bob.call('GET', `/api/v1/fleet/sources?namespace=${NS}`);
    assert.equal(sources.status, 200, JSON.stringify(sources.body));
    assert.deepEqual(sources.body, { items: [{ namespace: NS, name: 'repo', url: 'https://git.test/repo.git', ref: 'main', refKind: 'branch', commit: null, fetchedAt: null, ready: false, message: null }], continue: null });
    const list = await bob.call('GET', `/api/v1/fleet/deliveries?namespace=${NS}&limit=1`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const items = list.body.items as Array<{ name: string; phase: string; clusters: { placed: number; failed: number }; waves: Array<{ name: string }> }>;
    assert.deepEqual(items.map((i) => [i.name, i.phase, i.clusters.placed, i.clusters.failed, i.waves.map((w) => w.name).join()]), [['app', 'Progressing', 2, 1, 'first,rest']]);
    const across = await bob.call('GET', '/api/v1/fleet/deliveries');
    assert.equal(across.status, 403);
    assert.deepEqual(across.body.denied, { verb: 'list', resource: 'fleetdeliveries', group: 'fleet.plinth.dev', namespace: null });

    const alice = await as(tokens.alice!);
    const d = await alice.call('GET', `/api/v1/namespaces/${NS}/fleet/deliveries/app`);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    const rows = d.body.clusters as Array<{ cluster: string; wave: string | null; phase: string; healthy: boolean; appliedRevision: string; drift: { detected: number } }>;
    assert.deepEqual(rows.map((r) => [r.cluster, r.wave, r.phase, r.healthy, r.appliedRevision, r.drift.detected]), [['edge-1', 'first', 'Healthy', true, 'c2', 1]]);
    assert.equal(d.body.hiddenClusters, 1, 'edge-2 is in a namespace alice may not read');
    assert.equal((d.body.delivery as { name: string }).name, 'app');

    const db = await bob.call('GET', `/api/v1/namespaces/${NS}/fleet/deliveries/app`);
    assert.equal(db.status, 200, JSON.stringify(db.body));
    assert.deepEqual(db.body.clusters, []);
    assert.equal(db.body.hiddenClusters, 2);
    const missing = await bob.call('GET', `/api/v1/namespaces/${NS}/fleet/deliveries/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'FLEET_DELIVERY_NOT_FOUND');
  });

  test('alice pauses (her name in the history and the audit); bob is refused by the API server; SSE shows the pod and the delivery', async () => {
    const alice = await as(tokens.alice!);
    const bob = await as(tokens.bob!);
    const events = stream(alice, `?namespace=${NS}`);
    await events.ready;
    await until('the pod informer of the namespace runs', () => Promise.resolve(srv.events?.podNamespaces.includes(NS)));

    const refused = await bob.call('POST', `/api/v1/namespaces/${NS}/fleet/deliveries/app/pause`);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'KUBE_API');
    assert.match(String(refused.body.message), new RegExp(`${BOB.replace(/[.:]/g, '.')}.*cannot patch resource "fleetdeliveries"`));
    assert.deepEqual(refused.body.denied, { verb: 'patch', resource: 'fleetdeliveries', group: 'fleet.plinth.dev', namespace: NS });

    const paused = await alice.call('POST', `/api/v1/namespaces/${NS}/fleet/deliveries/app/pause`);
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.equal(paused.body.changed, true);
    assert.equal((paused.body.by as { user: string }).user, ALICE);
    const stored = await client.get<FleetDelivery>(inNamespace(RES.fleetDeliveries, NS), 'app');
    assert.equal(stored.spec.paused, true);
    assert.deepEqual(stored.status?.history?.map((h) => [h.by, h.action]), [[ALICE, 'Pause']]);
    const ev = await events.next((e) => e.kind === 'FleetDelivery' && e.name === 'app' && e.summary.paused === true && e.summary.historyLength === 1);
    assert.equal(ev.namespace, NS);
    const detail = await alice.call('GET', `/api/v1/namespaces/${NS}/fleet/deliveries/app`);
    assert.deepEqual((detail.body.history as Array<{ by: string; action: string }>).map((h) => [h.by, h.action]), [[ALICE, 'Pause']]);
    const again = await alice.call('POST', `/api/v1/namespaces/${NS}/fleet/deliveries/app/pause`);
    assert.equal(again.body.changed, false, 'already paused: nothing written or recorded');

    const audit = await alice.call('GET', `/api/v1/audit?namespace=${NS}&user=${encodeURIComponent(ALICE)}`);
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    assert.deepEqual((audit.body.items as Array<Record<string, unknown>>).map((i) => [i.kind, i.namespace, i.name, i.by, i.action, i.cluster]), [['FleetDelivery', NS, 'app', ALICE, 'Pause', 'hub']]);
    assert.deepEqual(audit.body.skipped, [], 'alice may list every kind here (node runs: the ConfigMaps of the namespace)');
    const none = await alice.call('GET', `/api/v1/audit?namespace=${NS}&action=confirm`);
    assert.deepEqual(none.body.items, []);
    const across = await bob.call('GET', '/api/v1/audit?kind=FleetDelivery');
    assert.equal(across.status, 200, JSON.stringify(across.body));
    assert.deepEqual(across.body.items, []);
    const skipped = across.body.skipped as Array<{ kind: string; message: string }>;
    assert.equal(skipped[0]!.kind, 'FleetDelivery');
    assert.match(skipped[0]!.message, /cannot list resource "fleetdeliveries"/);

    // A pod of the namespace: its changes reach the stream opened for the namespace.
    await client.create(inNamespace(CORE.pods, NS), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: NS, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'registry.local/web:1' }] } });
    let podEvent: ChangeEvent | undefined;
    for (let i = 0; i < 10 && !podEvent; i++) {
      await client.patch(inNamespace(CORE.pods, NS), 'web-0', { metadata: { annotations: { touched: String(i) } } }, 'merge');
      podEvent = await events.next((e) => e.kind === 'Pod' && e.name === 'web-0', 2000).catch(() => undefined);
    }
    assert.ok(podEvent, 'a Pod event arrived');
    assert.equal(podEvent.namespace, NS);
    assert.equal(podEvent.summary.name, 'web-0');
    assert.ok(['waiting', 'draining', 'updating', 'ready', 'failed'].includes(String(podEvent.summary.state)));
    // A ClusterDelivery change reaches the stream of its delivery's namespace, only where alice may list it.
    const cdRes = (m: string): ReturnType<typeof inNamespace> => inNamespace(RES.clusterDeliveries, memberNamespace(m));
    await client.patch(cdRes('edge-2'), clusterDeliveryName(NS, 'app'), { status: { health: 'Progressing' } }, 'merge', { subresource: 'status' });
    await client.patch(cdRes('edge-1'), clusterDeliveryName(NS, 'app'), { status: { health: 'Progressing' } }, 'merge', { subresource: 'status' });
    const moved = await events.next((e) => e.kind === 'ClusterDelivery' && e.namespace === memberNamespace('edge-1'));
    assert.deepEqual([moved.summary.cluster, moved.summary.phase, moved.summary.delivery], ['edge-1', 'Progressing', { namespace: NS, name: 'app' }]);
    assert.ok(!events.all().some((e) => e.kind === 'ClusterDelivery' && e.namespace === memberNamespace('edge-2')), 'no event of a ClusterDelivery alice may not list');

    // The release kinds still stream beside the fleet's.
    await client.create(cdRef(NS), cellDeployment(NS, 'web', { replicas: 0 }));
    await events.next((e) => e.kind === 'CellDeployment' && e.name === 'web' && e.type === 'ADDED');
    events.close();
    await until('the pod informer stops when its last stream leaves', () => Promise.resolve(srv.events?.podNamespaces.length === 0));
  });
});
