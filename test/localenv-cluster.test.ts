// Integration tests of src/localenv/cluster against real local clusters of both versions.
// One cluster per version is started at once (two versions side by side) and shared by the
// subtests; lifecycle tests start small extra clusters.
//
// Binaries come from ensureBinaries(version). To test other builds, point
// PLINTH_TEST_BINARIES_OLD / PLINTH_TEST_BINARIES_NEW at a directory holding etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and kwok.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { PlinthError } from '../src/errors/index.js';
import type { Binaries } from '../src/localenv/build/index.js';
import { listClusters, startCluster, stopCluster, type ClusterRecord, type LocalCluster } from '../src/localenv/index.js';
import { Api, request, type Tls } from '../src/localenv/cluster/api.js';
import { etcdRevision } from '../src/localenv/cluster/etcd.js';
import { processesUsing } from '../src/localenv/cluster/process.js';
import { promSamples } from '../src/kube/prom-text.js';

type Version = 'old' | 'new';
// PLINTH_TEST_VERSIONS=old runs one version only (e.g. while the other is not built yet).
const VERSIONS = (process.env.PLINTH_TEST_VERSIONS?.split(',') ?? ['old', 'new']) as Version[];
const GATE = 'apps.plinth.dev/traffic-ready';

function testBinaries(v: Version): Binaries | undefined {
  const dir = process.env[`PLINTH_TEST_BINARIES_${v.toUpperCase()}`];
  if (!dir) return undefined;
  const apiserver = join(dir, 'kube-apiserver');
  const version = execFileSync(apiserver, ['--version'], { encoding: 'utf8' }).trim().split(' ').pop() ?? 'unknown';
  return {
    version,
    kubeApiserver: apiserver,
    kubeControllerManager: join(dir, 'kube-controller-manager'),
    kubeScheduler: join(dir, 'kube-scheduler'),
    etcd: join(dir, 'etcd'),
    kwok: join(dir, 'kwok'),
  };
}

/** The admin identity of a cluster, from its public kubeConfig. */
function tlsFor(c: LocalCluster): Tls {
  const user = c.kubeConfig.getCurrentUser();
  const cluster = c.kubeConfig.getCurrentCluster();
  const dec = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');
  return { ca: dec(cluster?.caData), cert: dec(user?.certData), key: dec(user?.keyData) };
}

/** An admin client for a cluster. */
const apiFor = (c: LocalCluster): Api => new Api(c.server, tlsFor(c));

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastErr instanceof Error ? `: ${lastErr.message}` : ''}`);
    }
    await sleep(100);
  }
}

const pidAlive = (pid: number | null | undefined): boolean => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function recordOf(c: { stateDir: string }): Promise<ClusterRecord> {
  return JSON.parse(await readFile(join(c.stateDir, 'cluster.json'), 'utf8')) as ClusterRecord;
}

const pidsOf = (r: ClusterRecord): number[] =>
  [...Object.values(r.components).map((x) => x.pid), r.watchdogPid].filter((p): p is number => typeof p === 'number');

interface Pod {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { nodeName?: string; containers: { name: string; image: string }[] };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: {
      name: string;
      image: string;
      imageID: string;
      ready: boolean;
      restartCount: number;
      containerID?: string;
      state?: { terminated?: { exitCode?: number } };
    }[];
  };
}
interface Node {
  metadata: { name: string; labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { taints?: unknown[] };
  status: {
    capacity: Record<string, string>;
    conditions?: { type: string; status: string }[];
    nodeInfo: { kubeletVersion: string };
  };
}
interface Slice {
  endpoints?: { targetRef?: { name: string }; conditions?: { ready?: boolean } }[];
}

const cond = (p: Pod, type: string): string | undefined => p.status?.conditions?.find((c) => c.type === type)?.status;
const nodeReady = (n: Node): string | undefined => n.status.conditions?.find((c) => c.type === 'Ready')?.status;

async function endpointReady(api: Api, ns: string, svc: string): Promise<Map<string, boolean>> {
  const slices = await api.get<{ items: Slice[] }>(
    `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${svc}`)}`,
  );
  const out = new Map<string, boolean>();
  for (const s of slices.items) for (const e of s.endpoints ?? []) if (e.targetRef) out.set(e.targetRef.name, e.conditions?.ready === true);
  return out;
}

/** The API server's count of pod DELETE requests, by response code. */
async function podDeletes(c: LocalCluster): Promise<Record<string, number>> {
  const res = await request(`${c.server}/metrics`, { tls: tlsFor(c) });
  const out: Record<string, number> = {};
  for (const { labels: l, value } of promSamples(res.body, 'apiserver_request_total')) {
    if (l.verb !== 'DELETE' || l.resource !== 'pods' || l.subresource !== '') continue;
    const code = l.code ?? '?';
    out[code] = (out[code] ?? 0) + value;
  }
  return out;
}

async function namespace(api: Api, name: string): Promise<void> {
  await api.post('/api/v1/namespaces', { metadata: { name } });
}

async function service(api: Api, ns: string, name: string, app: string): Promise<void> {
  await api.post(`/api/v1/namespaces/${ns}/services`, {
    metadata: { name },
    spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
  });
}

async function pod(api: Api, ns: string, name: string, extra: Record<string, unknown> = {}): Promise<void> {
  await api.post(`/api/v1/namespaces/${ns}/pods`, {
    metadata: { name, labels: { app: name } },
    spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0' }], ...extra },
  });
}

const getPod = (api: Api, ns: string, name: string): Promise<Pod> => api.get<Pod>(`/api/v1/namespaces/${ns}/pods/${name}`);

async function setGate(api: Api, ns: string, name: string, status: 'True' | 'False'): Promise<void> {
  await api.patch(`/api/v1/namespaces/${ns}/pods/${name}/status`, {
    status: { conditions: [{ type: GATE, status, lastTransitionTime: new Date().toISOString() }] },
  });
}

/** Run a script (TypeScript, via tsx) in a child process. */
function child(script: string): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
}

async function readLine(p: ReturnType<typeof spawn>): Promise<string> {
  let buf = '';
  return new Promise((resolvePromise, reject) => {
    p.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const i = buf.indexOf('\n');
      if (i >= 0) resolvePromise(buf.slice(0, i));
    });
    p.once('exit', (code) => reject(new Error(`child exited (${code}) before reporting`)));
  });
}

const root = await mkdtemp(join(tmpdir(), 'plinth-cluster-test-'));
const clusters = new Map<Version, LocalCluster>();
const progress: string[] = [];

before(async () => {
  // Both versions at once: also the "two versions side by side" check.
  const started = await Promise.allSettled(
    VERSIONS.map(async (v) => {
      const t0 = Date.now();
      const c = await startCluster({
        name: `test-${v}`,
        version: v,
        stateDir: join(root, `test-${v}`),
        binaries: testBinaries(v),
        kwok: { inPlaceDelayMs: 300 },
        onProgress: (m) => progress.push(`[${v}] ${m}`),
      });
      progress.push(`[${v}] started in ${Date.now() - t0} ms`);
      clusters.set(v, c);
    }),
  );
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
});

after(async () => {
  await Promise.all([...clusters.values()].map((c) => c.stop()));
  await rm(root, { recursive: true, force: true });
  if (process.env.PLINTH_TEST_VERBOSE) console.log(progress.join('\n'));
});

for (const v of VERSIONS) {
  describe(`local cluster (${v})`, () => {
    const c = (): LocalCluster => {
      const x = clusters.get(v);
      assert.ok(x, `cluster ${v} did not start`);
      return x;
    };

    test('nodes are Ready in 3 zones with labels, capacity, kubelet version and no taints', async () => {
      const api = apiFor(c());
      const nodes = await until('nodes without taints', async () => {
        const list = await api.get<{ items: Node[] }>('/api/v1/nodes');
        return list.items.every((n) => !n.spec.taints?.length) ? list.items : undefined;
      });
      assert.equal(nodes.length, 3);
      assert.deepEqual(nodes.map((n) => n.metadata.labels['topology.kubernetes.io/zone']).sort(), ['zone-a', 'zone-b', 'zone-c']);
      for (const n of nodes) {
        const zone = n.metadata.labels['topology.kubernetes.io/zone'];
        assert.equal(n.metadata.labels['plinth.dev/cell'], `${zone}-cell-1`);
        assert.equal(n.metadata.labels.type, 'kwok');
        assert.equal(nodeReady(n), 'True');
        assert.equal(n.status.capacity.cpu, '32');
        assert.equal(n.status.capacity.memory, '256Gi');
        assert.equal(n.status.capacity.pods, '110');
        assert.equal(n.status.nodeInfo.kubeletVersion, c().version);
      }
      // The public kubeConfig works with @kubernetes/client-node.
      const core = c().kubeConfig.makeApiClient(CoreV1Api);
      assert.equal((await core.listNode()).items.length, 3);
      assert.equal(c().kubeConfig.getCurrentContext(), c().name);
    });

    test('a Deployment becomes Running/Ready and its pods are ready endpoints of a Service', async () => {
      const api = apiFor(c());
      await namespace(api, 'deploy');
      await service(api, 'deploy', 'web', 'web');
      await api.post('/apis/apps/v1/namespaces/deploy/deployments', {
        metadata: { name: 'web' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'app', image: 'registry.example/web:1.0' }, { name: 'sidecar', image: 'registry.example/proxy:2' }] },
          },
        },
      });
      await until('3 available replicas', async () => {
        const d = await api.get<{ status?: { availableReplicas?: number } }>('/apis/apps/v1/namespaces/deploy/deployments/web');
        return d.status?.availableReplicas === 3;
      });
      const pods = (await api.get<{ items: Pod[] }>('/api/v1/namespaces/deploy/pods')).items;
      assert.equal(pods.length, 3);
      for (const p of pods) {
        assert.equal(p.status?.phase, 'Running');
        assert.equal(cond(p, 'Ready'), 'True');
        assert.ok(p.status?.podIP);
        assert.equal(p.status?.containerStatuses?.length, 2);
      }
      // Spread over the zones by the default topology spreading of the scheduler.
      const eps = await until('3 ready endpoints', async () => {
        const m = await endpointReady(api, 'deploy', 'web');
        return [...m.values()].filter(Boolean).length === 3 ? m : undefined;
      });
      assert.deepEqual([...eps.keys()].sort(), pods.map((p) => p.metadata.name).sort());
    });

    test('a Job\'s pod runs, then succeeds, also when a readiness gate keeps it from being Ready', async () => {
      const api = apiFor(c());
      await namespace(api, 'jobs');
      const job = (name: string, gate: boolean): unknown => ({
        metadata: { name },
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              ...(gate ? { readinessGates: [{ conditionType: GATE }] } : {}),
              containers: [{ name: 'task', image: 'registry.example/task:1' }],
            },
          },
        },
      });
      for (const [name, gate] of [['plain', false], ['gated', true]] as const) await api.post('/apis/batch/v1/namespaces/jobs/jobs', job(name, gate));
      for (const name of ['plain', 'gated']) {
        await until(`job ${name} succeeded`, async () => {
          const j = await api.get<{ status?: { succeeded?: number } }>(`/apis/batch/v1/namespaces/jobs/jobs/${name}`);
          return j.status?.succeeded === 1;
        });
        const pods = (await api.get<{ items: Pod[] }>(`/api/v1/namespaces/jobs/pods?labelSelector=job-name%3D${name}`)).items;
        assert.equal(pods.length, 1, `${name}: one pod`);
        const p = pods[0]!;
        assert.equal(p.status?.phase, 'Succeeded');
        assert.equal(p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0, `${name}: ${JSON.stringify(p.status?.containerStatuses)}`);
        assert.equal(cond(p, 'Ready'), 'False');
      }
    });

    test('a deleted pod costs the simulated kubelet one DELETE: none is repeated, also while a finalizer holds it', async () => {
      const api = apiFor(c());
      await namespace(api, 'deletes');
      const plain = ['d-1', 'd-2', 'd-3', 'd-4'];
      for (const n of plain) await pod(api, 'deletes', n);
      await api.post('/api/v1/namespaces/deletes/pods', {
        metadata: { name: 'held', finalizers: ['plinth.dev/test-hold'] },
        spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0' }] },
      });
      const all = [...plain, 'held'];
      await until('pods running', async () => (await Promise.all(all.map((n) => getPod(api, 'deletes', n)))).every((p) => p.status?.phase === 'Running'));
      const before = await podDeletes(c());
      // Default grace period (30 s): only kwok's DELETE with grace 0 makes the pods go this soon.
      for (const n of all) await api.delete(`/api/v1/namespaces/deletes/pods/${n}`);
      await until('plain pods gone', async () => {
        const names = (await api.get<{ items: Pod[] }>('/api/v1/namespaces/deletes/pods')).items.map((p) => p.metadata.name);
        return names.length === 1 && names[0] === 'held';
      }, 15_000);
      await until('held pod at grace 0', async () => (await api.get<{ metadata: { deletionGracePeriodSeconds?: number } }>('/api/v1/namespaces/deletes/pods/held')).metadata.deletionGracePeriodSeconds === 0);
      await sleep(1_500); // room for a repeated DELETE, had kwok sent one
      await api.patch('/api/v1/namespaces/deletes/pods/held', { metadata: { finalizers: null } }, 'merge');
      await until('held pod gone', async () => (await api.get<{ items: Pod[] }>('/api/v1/namespaces/deletes/pods')).items.length === 0);
      const after = await podDeletes(c());
      assert.equal((after['404'] ?? 0) - (before['404'] ?? 0), 0, `DELETEs answered 404: ${JSON.stringify({ before, after })}`);
      const total = (m: Record<string, number>): number => Object.values(m).reduce((a, b) => a + b, 0);
      assert.equal(total(after) - total(before), 2 * all.length, `ours and one of kwok's per pod: ${JSON.stringify({ before, after })}`);
    });

    test('readiness gates: gate missing/False = not-ready endpoint, True = ready, back to False = not ready', async () => {
      const api = apiFor(c());
      await namespace(api, 'gates');
      await service(api, 'gates', 'gated', 'gated');
      await pod(api, 'gates', 'gated', { readinessGates: [{ conditionType: GATE }] });
      const p0 = await until('pod running with containers ready', async () => {
        const p = await getPod(api, 'gates', 'gated');
        return p.status?.phase === 'Running' && cond(p, 'ContainersReady') === 'True' ? p : undefined;
      });
      assert.equal(cond(p0, 'Ready'), 'False');
      assert.equal(p0.status?.conditions?.find((x) => x.type === 'Ready')?.reason, 'ReadinessGatesNotReady');
      await until('not-ready endpoint', async () => (await endpointReady(api, 'gates', 'gated')).get('gated') === false);

      await setGate(api, 'gates', 'gated', 'True');
      await until('pod Ready', async () => cond(await getPod(api, 'gates', 'gated'), 'Ready') === 'True');
      await until('ready endpoint', async () => (await endpointReady(api, 'gates', 'gated')).get('gated') === true);

      await setGate(api, 'gates', 'gated', 'False');
      await until('pod not Ready', async () => cond(await getPod(api, 'gates', 'gated'), 'Ready') === 'False');
      await until('not-ready endpoint again', async () => (await endpointReady(api, 'gates', 'gated')).get('gated') === false);
      // It stays so (nothing flips it back behind the gate's back).
      await sleep(1000);
      assert.equal(cond(await getPod(api, 'gates', 'gated'), 'Ready'), 'False');
      assert.equal((await getPod(api, 'gates', 'gated')).status?.containerStatuses?.[0]?.ready, true);
    });

    test('an in-place image change shows in containerStatuses after the delay, restartCount+1, ready again', async () => {
      const api = apiFor(c());
      await namespace(api, 'inplace');
      await pod(api, 'inplace', 'app', { containers: [{ name: 'app', image: 'registry.example/app:1.0' }, { name: 'log', image: 'registry.example/log:1' }] });
      const before = await until('pod Ready', async () => {
        const p = await getPod(api, 'inplace', 'app');
        return cond(p, 'Ready') === 'True' ? p : undefined;
      });
      const old = before.status?.containerStatuses?.find((s) => s.name === 'app');
      assert.ok(old);
      const t0 = Date.now();
      await api.patch('/api/v1/namespaces/inplace/pods/app', [{ op: 'replace', path: '/spec/containers/0/image', value: 'registry.example/app:2.0' }], 'json');
      let sawNotReady = false;
      const after = await until('new image running and ready', async () => {
        const p = await getPod(api, 'inplace', 'app');
        if (cond(p, 'Ready') === 'False') sawNotReady = true;
        const s = p.status?.containerStatuses?.find((x) => x.name === 'app');
        return s?.image === 'registry.example/app:2.0' && s.ready && cond(p, 'Ready') === 'True' ? p : undefined;
      });
      const elapsed = Date.now() - t0;
      const now = after.status?.containerStatuses?.find((s) => s.name === 'app');
      assert.ok(now);
      assert.equal(now.restartCount, old.restartCount + 1);
      assert.notEqual(now.imageID, old.imageID);
      // The container went through a stop (not ready) before it ran the new image. Polling may
      // miss the short not-ready window under load, so check what it left behind as well.
      const lastState = (now as { lastState?: { terminated?: { finishedAt?: string } } }).lastState;
      assert.ok(sawNotReady || lastState?.terminated?.finishedAt, 'no trace of the container being stopped');
      await until('a Killing event', async () => {
        const events = await api.get<{ items: { reason: string }[] }>(
          `/api/v1/namespaces/inplace/events?fieldSelector=${encodeURIComponent('involvedObject.name=app')}`,
        );
        return events.items.some((e) => e.reason === 'Killing');
      });
      assert.ok(elapsed >= 250, `restart took ${elapsed} ms, less than the configured 300 ms`);
      const log = after.status?.containerStatuses?.find((s) => s.name === 'log');
      const logBefore = before.status?.containerStatuses?.find((s) => s.name === 'log');
      assert.equal(log?.restartCount, 0, 'the unchanged container did not restart');
      assert.equal(log?.containerID, logBefore?.containerID, 'the unchanged container kept its status (same container)');
    });

    test('setNodeReady and setNodeKubeletVersion stick, also across a kwok restart', async () => {
      const api = apiFor(c());
      const node = 'zone-a-node-1';
      await c().setNodeReady(node, false);
      await c().setNodeKubeletVersion(node, 'v1.99.0');
      const check = async (): Promise<void> => {
        const n = await api.get<Node>(`/api/v1/nodes/${node}`);
        assert.equal(nodeReady(n), 'False');
        assert.equal(n.status.nodeInfo.kubeletVersion, 'v1.99.0');
      };
      await check();
      await sleep(1500);
      await check();
      await c().stopComponent('kwok');
      await c().startComponent('kwok');
      await sleep(1500);
      await check();
      await c().setNodeReady(node, true);
      await until('node Ready again', async () => nodeReady(await api.get<Node>(`/api/v1/nodes/${node}`)) === 'True');
      const n = await api.get<Node>(`/api/v1/nodes/${node}`);
      assert.equal(n.status.nodeInfo.kubeletVersion, 'v1.99.0');
      await c().setNodeKubeletVersion(node, c().version);
      // kwok still simulates pods after its restart.
      await namespace(api, 'after-kwok');
      await pod(api, 'after-kwok', 'p');
      await until('pod Ready after kwok restart', async () => cond(await getPod(api, 'after-kwok', 'p'), 'Ready') === 'True');
    });

    test('addNodes spreads new nodes over the zones', async () => {
      const names = await c().addNodes(2);
      assert.deepEqual(names, ['zone-a-node-2', 'zone-b-node-2']);
      const [z] = await c().addNodes(1, { zone: 'zone-c' });
      assert.equal(z, 'zone-c-node-2');
    });

    test('stopComponent/startComponent of the API server: same address, controllers carry on', async () => {
      const api = apiFor(c());
      const server = c().server;
      await c().stopComponent('kube-apiserver');
      await assert.rejects(api.get('/api/v1/nodes'));
      await c().startComponent('kube-apiserver');
      assert.equal(c().server, server);
      await namespace(api, 'restart');
      await api.post('/apis/apps/v1/namespaces/restart/deployments', {
        metadata: { name: 'r' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'r' } },
          template: { metadata: { labels: { app: 'r' } }, spec: { containers: [{ name: 'app', image: 'registry.example/r:1' }] } },
        },
      });
      await until(
        '2 available replicas after the API server restart',
        async () => (await api.get<{ status?: { availableReplicas?: number } }>('/apis/apps/v1/namespaces/restart/deployments/r')).status?.availableReplicas === 2,
        60_000,
      );
    });

    test('compactEtcd compacts etcd at its current revision: older revisions are gone', async () => {
      const api = apiFor(c());
      const etcd = c().etcdEndpoint;
      const before = await etcdRevision(etcd);
      await api.post('/api/v1/namespaces/default/configmaps', { metadata: { name: 'bump' }, data: { a: '1' } });
      await api.patch('/api/v1/namespaces/default/configmaps/bump', { data: { a: '2' } }, 'merge');
      await c().compactEtcd();
      const res = await request(`${etcd}/v3/kv/range`, {
        method: 'POST',
        body: { key: Buffer.from('/registry/configmaps/default/bump').toString('base64'), revision: before },
      });
      assert.match(res.body, /compacted/, `a read at revision ${before} still works: ${res.body}`);
      // The API server keeps serving (its watch cache hides the compaction from current clients).
      await api.get('/api/v1/namespaces/default/configmaps/bump');
    });
  });
}

describe('local cluster lifecycle', () => {
  test('another cluster of the same version runs beside the others and stop() leaves no process', async () => {
    const v: Version = VERSIONS.at(-1) ?? 'new';
    const extra = await startCluster({ name: 'member-1', version: v, nodes: 1, stateDir: join(root, 'member-1'), binaries: testBinaries(v) });
    try {
      const servers = new Set([extra.server, ...[...clusters.values()].map((c) => c.server)]);
      assert.equal(servers.size, clusters.size + 1, 'every cluster has its own API server port');
      assert.equal((await apiFor(extra).get<{ items: unknown[] }>('/api/v1/nodes')).items.length, 1);
      const listed = await listClusters(root);
      assert.ok(listed.some((r) => r.name === 'member-1' && r.alive));
    } finally {
      const rec = await recordOf(extra);
      await extra.stop();
      for (const pid of pidsOf(rec)) assert.equal(pidAlive(pid), false, `pid ${pid} still alive after stop()`);
      assert.deepEqual(processesUsing(extra.stateDir), []);
      assert.equal(existsSync(extra.stateDir), false, 'state dir removed');
    }
    // The shared clusters did not notice.
    for (const c of clusters.values()) await apiFor(c).get('/api/v1/nodes');
  });

  test('a failing component fails the start with its log named and nothing left running', async () => {
    const stateDir = join(root, 'broken');
    const err = await startCluster({
      name: 'broken',
      version: 'old',
      nodes: 0,
      stateDir,
      binaries: testBinaries('old'),
      apiserverArgs: ['--no-such-flag=1'],
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof PlinthError, String(err));
    assert.equal(err.code, 'CLUSTER_START_FAILED');
    assert.equal(err.params.component, 'kube-apiserver');
    assert.match(String(err.params.log), /kube-apiserver\.log$/);
    assert.ok(existsSync(String(err.params.log)));
    assert.deepEqual(processesUsing(resolve(stateDir)), []);
  });

  // Start a cluster in a child process; returns its record once it is running.
  async function clusterInChild(name: string, detached = false): Promise<{ proc: ReturnType<typeof spawn>; rec: ClusterRecord }> {
    const stateDir = join(root, name);
    const script = join(root, `${name}.mts`);
    const bins = testBinaries('old');
    await writeFile(
      script,
      [
        `import { startCluster } from ${JSON.stringify(resolve('src/localenv/index.ts'))};`,
        `const c = await startCluster({ name: ${JSON.stringify(name)}, version: 'old', nodes: 1, stateDir: ${JSON.stringify(stateDir)}, binaries: ${JSON.stringify(bins)}, detached: ${detached} });`,
        `console.log(c.stateDir);`,
        // Detached: exit like `plinth up` does; otherwise stay until killed.
        detached ? `process.exit(0);` : `setInterval(() => {}, 1000);`,
      ].join('\n'),
    );
    const proc = child(script);
    const dir = await readLine(proc);
    return { proc, rec: await recordOf({ stateDir: dir }) };
  }

  test('the watchdog stops the cluster when its owner is SIGKILLed', async () => {
    const { proc, rec } = await clusterInChild('orphaned');
    const pids = Object.values(rec.components).map((c) => c.pid!);
    assert.ok(pids.every(pidAlive));
    proc.kill('SIGKILL');
    await until('all component processes gone', () => Promise.resolve(pids.every((p) => !pidAlive(p))), 20_000);
    await until('state dir removed', () => Promise.resolve(!existsSync(rec.stateDir)), 5000);
  });

  test('a stale state dir (owner and watchdog killed, components orphaned) is cleaned on the next start', async () => {
    const { proc, rec } = await clusterInChild('stale');
    proc.kill('SIGKILL');
    if (rec.watchdogPid) process.kill(rec.watchdogPid, 'SIGKILL');
    const orphans = Object.values(rec.components).map((c) => c.pid!);
    await sleep(200);
    assert.ok(orphans.some(pidAlive), 'components survived their owner and watchdog');
    const again = await startCluster({ name: 'stale', version: 'old', nodes: 1, stateDir: rec.stateDir, binaries: testBinaries('old') });
    try {
      for (const p of orphans) assert.equal(pidAlive(p), false, `orphan ${p} was not stopped`);
      assert.notEqual(again.server, undefined);
      await apiFor(again).get('/api/v1/nodes');
    } finally {
      await again.stop();
    }
  });

  test('a detached cluster outlives its owner; listClusters sees it and stopCluster stops it by name', async () => {
    const { proc, rec } = await clusterInChild('detached', true);
    await new Promise((r) => (proc.exitCode !== null ? r(undefined) : proc.once('exit', r)));
    await sleep(2500); // longer than the watchdog's owner poll: there must be none
    assert.equal(rec.watchdogPid, null);
    const listed = (await listClusters(root)).find((x) => x.name === 'detached');
    assert.ok(listed?.alive, 'still running after its owner exited');
    await stopCluster('detached', { stateDir: rec.stateDir });
    for (const p of pidsOf(rec)) assert.equal(pidAlive(p), false, `pid ${p} survived stopCluster`);
    assert.equal(existsSync(rec.stateDir), false);
    await assert.rejects(stopCluster('detached', { stateDir: rec.stateDir }), /no local cluster "detached"/);
  });
});
