// Release benchmark: an in-place image release of a CellDeployment (beta + batches of 100, no confirmation,
// no drain time) against a Deployment's RollingUpdate (maxSurge 25%, maxUnavailable 25%) of the same size and
// template, on one local cluster with simulated nodes in 3 zones, in the same run. Measures the time from the
// image change to "all pods updated and ready", and the API write requests per updated pod (the API server's
// `apiserver_request_total`, all clients; the audit log attributes them to clients).
//   npm run bench -- release          (BENCH_REPLICAS, BENCH_NODES, BENCH_BATCH to change the size;
//   BENCH_APISERVER_ARGS adds kube-apiserver flags, e.g. `--profiling=true` for `kubectl get --raw /debug/pprof/profile`;
//   BENCH_NODE_PROFILE=<dir> writes a CPU profile of this process, manager included, per window)
// Caveat: the kubelet is kwok. A new pod is Running and Ready podStartDelayMs (100 ms) after binding (no image
// pull, no sandbox, no probes), which makes recreating pods (the Deployment) nearly free. The in-place restart
// is given the same container start time (BENCH_INPLACE_DELAY_MS, default = podStartDelayMs) rather than
// kwok's test default of 500 ms, so neither side is charged more for starting a container. kwok reports the
// restart in one status patch (the kill and the start within one relist, as a kubelet without readiness probes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CellDeployment, ReleaseOrder } from '../../src/api/index.js';
import { installCrds } from '../../src/api/install.js';
import { KubeClient } from '../../src/kube/http.js';
import { inNamespace, ref } from '../../src/kube/resource.js';
import { startCluster, type LocalCluster } from '../../src/localenv/index.js';
import { KWOK_DEFAULTS } from '../../src/localenv/cluster/kwok/config.js';
import { runManager } from '../../src/app/manager/manager.js';
import { RELEASE_API_VERSION, RES } from '../../src/release/keys.js';
import { describeCpu, startCpuMeter, type CpuReading } from '../lib/cpu.js';
import { startProfile } from '../lib/profile.js';
import { renderFigures, type Figure } from '../lib/report.js';
import { auditArgs, auditWrites, fileSize, type AuditRow } from './audit.js';
import { watchTimeline } from './timeline.js';
import { deltaWrites, scrapeRequests, totalWrites, type WriteCounts } from './metrics.js';
import { sleep } from '../../src/kube/clock.js';

const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1_000);
const NODES = Number(process.env.BENCH_NODES ?? 100);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const NS_CD = 'bench-cd';
const NS_DEP = 'bench-deploy';
const APP = 'web';
const IMAGE_1 = 'registry.example.com/shop/web:1.0.0';
const IMAGE_2 = 'registry.example.com/shop/web:1.0.1';
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 900_000);
const APISERVER_ARGS = (process.env.BENCH_APISERVER_ARGS ?? '').split(' ').filter((a) => a !== '');
const INPLACE_DELAY_MS = Number(process.env.BENCH_INPLACE_DELAY_MS ?? KWOK_DEFAULTS.podStartDelayMs);

const log = (m: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${m}\n`);

/** The pod template both workloads run (the CellDeployment adds its gate, finalizer and unit affinity). */
function template(image: string): Record<string, unknown> {
  return {
    metadata: { labels: { app: APP } },
    spec: {
      containers: [{ name: 'web', image, ports: [{ name: 'http', containerPort: 8080 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
      terminationGracePeriodSeconds: 0,
    },
  };
}

function containersPatch(image: string): unknown {
  return { spec: { template: { spec: { containers: (template(image)['spec'] as { containers: unknown[] }).containers } } } };
}

interface DeploymentLike {
  metadata: { generation?: number };
  spec?: { replicas?: number };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number; readyReplicas?: number };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, everyMs = 200): Promise<T> {
  const end = Date.now() + TIMEOUT_MS;
  let lastLog = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`);
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      log(`  still waiting for ${what}`);
    }
    await sleep(everyMs);
  }
}

function cdDone(cd: CellDeployment, generation: number): boolean {
  const s = cd.status;
  return (
    !!s &&
    (s.observedGeneration ?? 0) >= generation &&
    s.phase === 'Completed' &&
    s.replicas === REPLICAS &&
    s.readyReplicas === REPLICAS &&
    s.updatedReplicas === REPLICAS
  );
}

function depDone(d: DeploymentLike, generation: number): boolean {
  const s = d.status;
  return (
    !!s &&
    (s.observedGeneration ?? 0) >= generation &&
    s.replicas === REPLICAS &&
    s.updatedReplicas === REPLICAS &&
    s.availableReplicas === REPLICAS
  );
}

interface Window {
  ms: number;
  metrics: WriteCounts;
  /** GET, LIST and WATCH requests (all clients, this bench's own polling included). */
  reads: WriteCounts;
  audit: { rows: AuditRow[]; byActor: Map<string, number>; total: number };
  /** CPU seconds per cluster component and of this process (which also runs the Plinth manager). */
  cpu: CpuReading;
}

/** Runs `act` (the image change) and `done` (polls until complete) between two scrapes of /metrics and an audit cut. */
async function measure(
  label: string,
  cluster: LocalCluster,
  client: KubeClient,
  auditLog: string,
  act: () => Promise<void>,
  done: () => Promise<void>,
): Promise<Window> {
  const offset = fileSize(auditLog);
  const before = await scrapeRequests(client);
  const meter = await startCpuMeter(cluster);
  const profile = await startProfile(label);
  const t0 = Date.now();
  await act();
  await done();
  const ms = Date.now() - t0;
  const cpu = meter.stop();
  const profiled = await profile.stop();
  if (profiled) log(`CPU profile of this process: ${profiled}`);
  const after = await scrapeRequests(client);
  await sleep(500); // let the audit backend flush the last lines
  return { ms, metrics: deltaWrites(before.writes, after.writes), reads: deltaWrites(before.reads, after.reads), audit: auditWrites(auditLog, offset, t0 - 5, t0 + ms + 5), cpu };
}

/** CPU seconds of every cluster component and of this process in a window. */
function cpuTotal(c: CpuReading): number {
  return Object.values(c.components).reduce((a, b) => a + b, 0) + c.client;
}

/** kube-apiserver CPU milliseconds per API write in a window. */
function apiserverMsPerWrite(w: Window): number {
  return ((w.cpu.components['kube-apiserver'] ?? 0) * 1000) / Math.max(1, totalWrites(w.metrics));
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => '  ' + r.map((c, i) => (i === r.length - 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

function describeWindow(title: string, w: Window): string {
  const metricRows = [...w.metrics].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, String(v)]);
  const auditRows = w.audit.rows.map((r) => [r.actor, r.what, String(r.count)]);
  return (
    `-- ${title}: ${(w.ms / 1000).toFixed(1)} s, ${totalWrites(w.metrics)} writes by apiserver_request_total, ${w.audit.total} in the audit log --\n` +
    `${describeCpu(w.cpu)} (client: this process, with the Plinth manager)\n` +
    `apiserver_request_total delta by verb and resource:\n` +
    table([['verb resource', 'count'], ...metricRows]) +
    `reads (GET, LIST, WATCH started) by verb and resource:\n` +
    table([['verb resource', 'count'], ...[...w.reads].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, String(v)])]) +
    `audit log by client:\n` +
    table([['client', 'verb resource', 'count'], ...auditRows])
  );
}

/** Total writes minus the background every node makes (Lease renewals, node status heartbeats). */
function withoutHeartbeats(c: WriteCounts): number {
  return totalWrites(c) - (c.get('PUT leases') ?? 0) - (c.get('PATCH nodes/status') ?? 0);
}

function plinthWrites(w: Window): number {
  return w.audit.byActor.get('plinth-manager') ?? 0;
}

/** Writes of the workload's own controllers for the Deployment: deployment-controller and replicaset-controller. */
function deploymentControllerWrites(w: Window): number {
  let s = 0;
  for (const [actor, n] of w.audit.byActor) if (/deployment-controller|replicaset-controller/.test(actor)) s += n;
  return s;
}

async function batchTimes(client: KubeClient, cd: CellDeployment): Promise<string> {
  const name = cd.status?.releaseOrder;
  if (!name) return 'no ReleaseOrder recorded\n';
  const order = await client.get<ReleaseOrder>(inNamespace(RES.releaseOrders, NS_CD), name);
  const batches = order.status?.batches ?? [];
  const created = Date.parse(String(order.metadata.creationTimestamp ?? ''));
  let prevEnd = created;
  const rows = batches.map((b) => {
    const s = Date.parse(String(b.startedAt ?? ''));
    const f = Date.parse(String(b.finishedAt ?? ''));
    const row = [String(b.index), String(b.pods?.length ?? 0), b.phase ?? '', `${((s - prevEnd) / 1000).toFixed(1)}`, `${((f - s) / 1000).toFixed(1)}`];
    prevEnd = f;
    return row;
  });
  return (
    `ReleaseOrder ${name}: ${batches.length} batches, created ${order.metadata.creationTimestamp}, history ${order.status?.history?.length ?? 0} entries\n` +
    table([['batch', 'pods', 'phase', 'gap before (s)', 'duration (s)'], ...rows])
  );
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'plinth-bench-release-'));
  const audit = auditArgs(dir);
  log(`starting a cluster with ${NODES} simulated nodes in 3 zones (audit log ${audit.logPath})`);
  const cluster = await startCluster({
    version: 'new',
    nodes: NODES,
    zones: 3,
    apiserverArgs: [...audit.args, ...APISERVER_ARGS],
    kwok: { inPlaceDelayMs: INPLACE_DELAY_MS },
    onProgress: (m) => log(`  ${m}`),
  });
  const client = await KubeClient.fromKubeConfig(cluster.kubeConfig, { maxSockets: 32, userAgent: 'plinth-bench' });
  const stopManager = new AbortController();
  let manager: Promise<number> | undefined;
  try {
    await installCrds(client);
    manager = runManager({ kubeConfig: cluster.kubeConfig, metricsPort: 0, leaderElect: false, namespace: 'plinth-system', signal: stopManager.signal });
    for (const ns of [NS_CD, NS_DEP]) {
      await client.create(ref('v1', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      await client.create(inNamespace(ref('v1', 'services'), ns), {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: APP, namespace: ns },
        spec: { selector: { app: APP }, ports: [{ port: 80, targetPort: 8080 }] },
      });
    }
    const cdRes = inNamespace(RES.cellDeployments, NS_CD);
    const depRes = inNamespace(ref('apps/v1', 'deployments'), NS_DEP);

    // Revision 1 of both, one after the other.
    let s = Date.now();
    await client.create(cdRes, {
      apiVersion: RELEASE_API_VERSION,
      kind: 'CellDeployment',
      metadata: { name: APP, namespace: NS_CD },
      spec: {
        replicas: REPLICAS,
        selector: { matchLabels: { app: APP } },
        template: template(IMAGE_1),
        topology: { unitKey: 'topology.kubernetes.io/zone', units: ['zone-a', 'zone-b', 'zone-c'] },
        strategy: { type: 'InPlaceIfPossible', beta: true, batchSize: BATCH, needConfirm: false, pauseSeconds: 0, drainSeconds: 0 },
        paused: false,
        revisionHistoryLimit: 10,
      },
    });
    await until('the CellDeployment at revision 1', async () => {
      const cd = await client.get<CellDeployment>(cdRes, APP);
      return cdDone(cd, 1) ? cd : undefined;
    }, 500);
    const cdUpMs = Date.now() - s;
    log(`CellDeployment: ${REPLICAS} pods ready at revision 1 in ${(cdUpMs / 1000).toFixed(1)} s`);
    s = Date.now();
    await client.create(depRes, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: APP, namespace: NS_DEP },
      spec: {
        replicas: REPLICAS,
        selector: { matchLabels: { app: APP } },
        template: template(IMAGE_1),
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      },
    });
    await until('the Deployment at revision 1', async () => {
      const d = await client.get<DeploymentLike>(depRes, APP);
      return depDone(d, 1) ? d : undefined;
    }, 500);
    const depUpMs = Date.now() - s;
    log(`Deployment: ${REPLICAS} pods available at revision 1 in ${(depUpMs / 1000).toFixed(1)} s`);

    // Background: what the cluster writes while nothing is released.
    await sleep(5_000);
    const idle = await measure('idle', cluster, client, audit.logPath, () => Promise.resolve(), () => sleep(10_000));
    log(`idle: ${totalWrites(idle.metrics)} writes in ${(idle.ms / 1000).toFixed(1)} s`);

    // The releases, one after the other.
    log('CellDeployment: image change');
    let cdGen = 0;
    let cdStart = 0;
    const timeline = await watchTimeline(client, NS_CD, IMAGE_2, () => cdStart);
    const cdWin = await measure(
      'celldeployment',
      cluster,
      client,
      audit.logPath,
      async () => {
        cdStart = Date.now();
        const cd = await client.patch<CellDeployment>(cdRes, APP, containersPatch(IMAGE_2), 'merge');
        cdGen = cd.metadata.generation ?? 2;
      },
      async () => {
        await until('the CellDeployment release', async () => {
          const cd = await client.get<CellDeployment>(cdRes, APP);
          return cdDone(cd, cdGen) ? cd : undefined;
        });
      },
    );
    log(`CellDeployment: released in ${(cdWin.ms / 1000).toFixed(1)} s`);
    const cdFinal = await client.get<CellDeployment>(cdRes, APP);
    const steps = await timeline.stop();
    await sleep(5_000);

    log('Deployment: image change');
    let depGen = 0;
    const depWin = await measure(
      'deployment',
      cluster,
      client,
      audit.logPath,
      async () => {
        const d = await client.patch<DeploymentLike>(depRes, APP, containersPatch(IMAGE_2), 'merge');
        depGen = d.metadata.generation ?? 2;
      },
      async () => {
        await until('the Deployment rollout', async () => {
          const d = await client.get<DeploymentLike>(depRes, APP);
          return depDone(d, depGen) ? d : undefined;
        });
      },
    );
    log(`Deployment: rolled out in ${(depWin.ms / 1000).toFixed(1)} s`);

    const perPod = (n: number): number => n / REPLICAS;
    const figures: Figure[] = [
      {
        metric: 'time to complete the image change',
        unit: 's',
        better: 'lower',
        plinth: cdWin.ms / 1000,
        peers: { Deployment: depWin.ms / 1000 },
        target: '≥ 3× faster',
        check: (p, ps) => ps['Deployment'] !== undefined && ps['Deployment'] / p >= 3,
      },
      {
        metric: 'API writes per updated pod, all clients',
        unit: 'writes',
        better: 'lower',
        plinth: perPod(totalWrites(cdWin.metrics)),
        peers: { Deployment: perPod(totalWrites(depWin.metrics)) },
        target: '≤ 4',
        check: (p) => p <= 4,
      },
      {
        metric: 'API writes per updated pod, without node leases/heartbeats',
        unit: 'writes',
        better: 'lower',
        plinth: perPod(withoutHeartbeats(cdWin.metrics)),
        peers: { Deployment: perPod(withoutHeartbeats(depWin.metrics)) },
      },
      {
        metric: "API writes per updated pod, workload controller's own",
        unit: 'writes',
        better: 'lower',
        plinth: perPod(plinthWrites(cdWin)),
        peers: { Deployment: perPod(deploymentControllerWrites(depWin)) },
        target: '≤ 4',
        check: (p) => p <= 4,
      },
      {
        // On a saturated machine the wall time is this divided by the cores: the figure that explains the first.
        metric: 'CPU seconds per 1,000 updated pods (cluster + this process)',
        unit: 'CPU-s',
        better: 'lower',
        plinth: (cpuTotal(cdWin.cpu) * 1000) / REPLICAS,
        peers: { Deployment: (cpuTotal(depWin.cpu) * 1000) / REPLICAS },
      },
      {
        metric: 'kube-apiserver CPU per API write',
        unit: 'ms',
        better: 'lower',
        plinth: apiserverMsPerWrite(cdWin),
        peers: { Deployment: apiserverMsPerWrite(depWin) },
      },
    ];
    const { text, targetsMet } = renderFigures(`release: ${REPLICAS} replicas on ${NODES} nodes in 3 zones, in-place image change (Kubernetes ${cluster.version})`, figures);
    process.stdout.write(text);
    const idleRate = totalWrites(idle.metrics) / (idle.ms / 1000);
    process.stdout.write(
      `CellDeployment: beta + batchSize ${BATCH}, drainSeconds 0, needConfirm false; Deployment: RollingUpdate maxSurge 25%, maxUnavailable 25%. ` +
        `kwok: a new pod's containers start ${KWOK_DEFAULTS.podStartDelayMs} ms after binding, an in-place restart takes ${INPLACE_DELAY_MS} ms. ` +
        `Both with a Service (EndpointSlices). Writes are counted from apiserver_request_total (verbs POST, PUT, PATCH, APPLY, DELETE, DELETECOLLECTION), ` +
        `delta over each window; they include kwok (the simulated kubelet), kube-controller-manager (EndpointSlices, ...), the scheduler, and ` +
        `background writes (idle: ${idleRate.toFixed(1)} writes/s, i.e. about ${((idleRate * cdWin.ms) / 1000).toFixed(0)} in the CellDeployment window and ` +
        `${((idleRate * depWin.ms) / 1000).toFixed(0)} in the Deployment window). "Own" = audit-log writes by the plinth-manager user agent vs. by ` +
        `kube-controller-manager's deployment-controller + replicaset-controller.\n` +
        `bring-up at revision 1: CellDeployment ${(cdUpMs / 1000).toFixed(1)} s, Deployment ${(depUpMs / 1000).toFixed(1)} s; total bench time ${((Date.now() - t0) / 1000).toFixed(0)} s\n`,
    );
    process.stdout.write(`targets ${targetsMet ? 'met' : 'NOT met'}\n\n`);
    process.stdout.write(await batchTimes(client, cdFinal));
    process.stdout.write(steps);
    process.stdout.write(describeWindow('idle', idle));
    process.stdout.write(describeWindow('CellDeployment release', cdWin));
    process.stdout.write(describeWindow('Deployment rollout', depWin));
  } finally {
    stopManager.abort();
    await manager?.catch(() => 1);
    client.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
