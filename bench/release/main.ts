// Release benchmark, the losslessness benchmark of issue #21 §6: on one local cluster (simulated nodes in 3
// zones), in one run and at equal concurrency, three workloads of the same size and template, each behind a
// Service: a CellDeployment (in place, beta + batches of BATCH, no confirmation, no drain time), a Deployment
// (RollingUpdate maxSurge 0, maxUnavailable BATCH) and the same Deployment with a preStop sleep. For each: bring-up,
// an image change, a scale down to half and back up. While each releases, a watcher records what kube-proxy sees
// (EndpointSlices) and the pods; the analysis counts the pod-seconds a pod going away was still listed, and a
// simulated client at a fixed rate counts the requests that would have reached such a pod.
//   npm run bench -- release   (BENCH_REPLICAS, BENCH_NODES, BENCH_BATCH, BENCH_PRESTOP_SECONDS, BENCH_CLIENT_RATE,
//   BENCH_PROXY_DELAY_MS, BENCH_RELEASE_JSON=<file> for a JSON results file, BENCH_SKIP_SCALE=1, BENCH_KEEP_AUDIT=1;
//   BENCH_APISERVER_ARGS adds kube-apiserver flags; BENCH_NODE_PROFILE=<dir> writes CPU profiles of this process)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CellDeployment } from '../../src/api/index.js';
import { installCrds } from '../../src/api/install.js';
import { KubeClient } from '../../src/kube/http.js';
import { startCluster } from '../../src/localenv/index.js';
import { KWOK_DEFAULTS } from '../../src/localenv/cluster/kwok/config.js';
import { runManager } from '../../src/app/manager/manager.js';
import { sleep } from '../../src/kube/clock.js';
import { renderFigures } from '../lib/report.js';
import { analyseLoss } from './analysis.js';
import { auditArgs } from './audit.js';
import { batchTimes } from './batches.js';
import { watchBringUp } from './bringup-steps.js';
import { caveats } from './caveats.js';
import { releaseFigures, summarise, type WorkloadResult, type WorkloadSummary } from './figures.js';
import { startPreStopSim } from './prestop.js';
import { startRecorder } from './recorder.js';
import { watchTimeline } from './timeline.js';
import { describeWindow, measure, type WindowContext } from './window.js';
import { createNamespaceAndService, IMAGE_2, workloads, type Workload, type WorkloadName } from './workloads.js';

const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1_000);
const NODES = Number(process.env.BENCH_NODES ?? 100);
const BATCH = Number(process.env.BENCH_BATCH ?? Math.max(1, Math.round(REPLICAS / 10)));
const PRESTOP_SECONDS = Number(process.env.BENCH_PRESTOP_SECONDS ?? 5);
const RATE = Number(process.env.BENCH_CLIENT_RATE ?? 200);
const DELAYS_MS = [0, Number(process.env.BENCH_PROXY_DELAY_MS ?? 100)];
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 900_000);
const APISERVER_ARGS = (process.env.BENCH_APISERVER_ARGS ?? '').split(' ').filter((a) => a !== '');
const INPLACE_DELAY_MS = Number(process.env.BENCH_INPLACE_DELAY_MS ?? KWOK_DEFAULTS.podStartDelayMs);
/** After a release is done: long enough for the preStop pods to finish terminating and the last slice updates. */
const SETTLE_MS = PRESTOP_SECONDS * 1000 + 2_000;

const log = (m: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${m}\n`);

async function until(what: string, probe: () => Promise<boolean>, everyMs = 200): Promise<void> {
  const end = Date.now() + TIMEOUT_MS;
  let lastLog = Date.now();
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`);
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      log(`  still waiting for ${what}`);
    }
    await sleep(everyMs);
  }
}

/** Applies `patch` to the workload and waits until it shows `replicas` pods updated and ready. */
async function change(ctx: WindowContext, w: Workload, label: string, patch: () => Promise<{ metadata: { generation?: number } }>, replicas: number): ReturnType<typeof measure> {
  let generation = 0;
  return measure(
    `${w.name}-${label}`,
    ctx,
    async () => {
      generation = (await patch()).metadata.generation ?? 1;
    },
    () => until(`${w.name} ${label}`, async () => w.done(await ctx.client.get(w.res, 'web'), generation, replicas)),
  );
}

async function runWorkload(ctx: WindowContext, w: Workload, loadDuring: number[]): Promise<{ result: WorkloadResult; extra: string }> {
  const { client } = ctx;
  const upSteps = await watchBringUp(client, w.namespace, `${w.name} bring-up`);
  const bringUp = await change(ctx, w, 'bring-up', () => client.create(w.res, w.manifest(REPLICAS)), REPLICAS);
  let extra = await upSteps.stop();
  log(`${w.name}: ${REPLICAS} pods ready in ${(bringUp.ms / 1000).toFixed(1)} s`);
  await sleep(3_000);
  const recorder = await startRecorder(client, w.namespace);
  let changedAt = 0;
  const steps = w.name === 'CellDeployment' ? await watchTimeline(client, w.namespace, IMAGE_2, () => changedAt) : undefined;
  const release = await change(
    ctx,
    w,
    'release',
    async () => {
      changedAt = Date.now();
      return client.patch(w.res, 'web', w.imagePatch(IMAGE_2), 'merge');
    },
    REPLICAS,
  );
  loadDuring.push(loadavg()[0]!);
  log(`${w.name}: released in ${(release.ms / 1000).toFixed(1)} s`);
  await sleep(SETTLE_MS);
  const rec = await recorder.stop();
  if (steps) extra += await steps.stop();
  if (w.name === 'CellDeployment') extra = (await batchTimes(client, w.namespace, await client.get<CellDeployment>(w.res, 'web'))) + extra;
  const lossOptions = { preStopMs: w.name === 'Deployment+preStop' ? PRESTOP_SECONDS * 1000 : 0, rate: RATE, delaysMs: DELAYS_MS, seed: 21 };
  const loss = analyseLoss(rec.pods, rec.slices, { ...lossOptions, from: changedAt, to: rec.to });
  log(`${w.name}: ${loss.podSeconds.podSeconds.toFixed(2)} lossy pod-seconds, ${loss.requests.map((r) => `${r.lossy} lossy requests at ${r.delayMs} ms`).join(', ')}`);
  const result: WorkloadResult = { name: w.name, bringUp, release, loss };
  if (process.env.BENCH_SKIP_SCALE !== '1') {
    const half = Math.floor(REPLICAS / 2);
    const scaleTo = (n: number) => () => client.patch<{ metadata: { generation?: number } }>(w.res, 'web', { spec: { replicas: n } }, 'merge');
    const downRec = await startRecorder(client, w.namespace);
    const downAt = Date.now();
    result.scaleDown = await change(ctx, w, 'scale-down', scaleTo(half), half);
    await sleep(SETTLE_MS);
    const down = await downRec.stop();
    result.scaleDownLoss = analyseLoss(down.pods, down.slices, { ...lossOptions, from: downAt, to: down.to });
    const scaleSteps = await watchBringUp(client, w.namespace, `${w.name} scale-up`);
    result.scaleUp = await change(ctx, w, 'scale-up', scaleTo(REPLICAS), REPLICAS);
    extra += await scaleSteps.stop();
    log(`${w.name}: scaled to ${half} in ${(result.scaleDown.ms / 1000).toFixed(1)} s, back to ${REPLICAS} in ${(result.scaleUp.ms / 1000).toFixed(1)} s`);
  }
  // Leave the machine to the next workload: its pods stay, but nothing of this one changes any more.
  await sleep(3_000);
  return { result, extra };
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const loadBefore = loadavg();
  const loadDuring: number[] = [];
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
  const all = workloads({ batch: BATCH, preStopSeconds: PRESTOP_SECONDS });
  const preStop = startPreStopSim(client, all.find((w) => w.name === 'Deployment+preStop')!.namespace, PRESTOP_SECONDS * 1000, log);
  try {
    await installCrds(client);
    manager = runManager({ kubeConfig: cluster.kubeConfig, metricsPort: 0, leaderElect: false, namespace: 'plinth-system', signal: stopManager.signal });
    for (const w of all) await createNamespaceAndService(client, w.namespace);
    // The manager's informers start with it: let them sync so the first bring-up does not pay for its start.
    await sleep(10_000);
    const ctx: WindowContext = { cluster, client, auditLog: audit.logPath, log };
    const results: WorkloadResult[] = [];
    const extras: string[] = [];
    for (const w of all) {
      const { result, extra } = await runWorkload(ctx, w, loadDuring);
      results.push(result);
      extras.push(extra);
    }
    const summaries = Object.fromEntries(results.map((r) => [r.name, summarise(r, REPLICAS)])) as Record<WorkloadName, WorkloadSummary>;
    const figures = releaseFigures(summaries, DELAYS_MS);
    const title = `release: ${REPLICAS} replicas on ${NODES} nodes in 3 zones, image change at equal concurrency ${BATCH} (Kubernetes ${cluster.version})`;
    const { text, targetsMet } = renderFigures(title, figures);
    const loadAfter = loadavg();
    process.stdout.write(text);
    process.stdout.write(`targets ${targetsMet ? 'met' : 'NOT met'}\n`);
    process.stdout.write(
      `load average (1 min): before ${loadBefore[0]!.toFixed(2)}, at the end of each release ${loadDuring.map((l) => l.toFixed(2)).join(' / ')}, after ${loadAfter[0]!.toFixed(2)}; ` +
        `preStop simulator finished ${preStop.finished()} pods; total bench time ${((Date.now() - t0) / 1000).toFixed(0)} s\n`,
    );
    process.stdout.write(caveats({ batch: BATCH, preStopSeconds: PRESTOP_SECONDS, rate: RATE, delaysMs: DELAYS_MS, podStartMs: KWOK_DEFAULTS.podStartDelayMs, inPlaceMs: INPLACE_DELAY_MS }));
    for (const e of extras) process.stdout.write(e);
    for (const r of results) {
      process.stdout.write(describeWindow(`${r.name} bring-up`, r.bringUp));
      process.stdout.write(describeWindow(`${r.name} release`, r.release));
    }
    const out = process.env['BENCH_RELEASE_JSON'];
    if (out) {
      const json = {
        replicas: REPLICAS,
        nodes: NODES,
        batch: BATCH,
        preStopSeconds: PRESTOP_SECONDS,
        clientRate: RATE,
        proxyDelaysMs: DELAYS_MS,
        kubernetes: cluster.version,
        load: { before: loadBefore, during: loadDuring, after: loadAfter },
        workloads: summaries,
        figures: figures.map((f) => ({ metric: f.metric, unit: f.unit, CellDeployment: f.plinth, ...f.peers, target: f.target, met: f.check?.(f.plinth, f.peers) })),
        targetsMet,
      };
      writeFileSync(out, JSON.stringify(json, null, 2));
      log(`results written to ${out}`);
    }
  } finally {
    await preStop.stop();
    stopManager.abort();
    await manager?.catch(() => 1);
    client.close();
    await cluster.stop();
    if (process.env.BENCH_KEEP_AUDIT === '1') log(`audit log kept: ${audit.logPath}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
