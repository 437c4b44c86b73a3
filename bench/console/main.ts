// Console benchmark: the console's API and its browser view of a release of 1,000 pods in a namespace of
// 10,000 pods, with 1,500 CellDeployments in another namespace for the paged list, against the same views
// through kubectl (`kubectl get`, `kubectl get -w`) measured in the same run on the same local cluster.
//   npm run bench -- console        (BENCH_RELEASE_PODS, BENCH_NS_PODS, BENCH_LIST_ITEMS, BENCH_NODES to resize)
// Figures: API p95 of the releases list (first page and the whole list) and of the release detail; time from
// a pod's change (as the API server's watch delivers it) to an SSE client, to kubectl -w, and to the browser
// showing it (p95, target ≤ 1 s); the release detail's first render with 1,000 pods in Chromium (target ≤ 1 s);
// the console process's memory. Needs Debian's chromium (PLINTH_CHROMIUM) and builds kubectl once
// (bench/console/kubectl.sh).
import { execFileSync, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CellDeployment, ReleaseOrder } from '../../src/api/index.js';
import { installCrds } from '../../src/api/install.js';
import { installAggregatedRoles } from '../../src/app/console/rbac.js';
import { runManager } from '../../src/app/manager/manager.js';
import { sleep } from '../../src/kube/clock.js';
import { KubeClient } from '../../src/kube/http.js';
import { inNamespace, ref } from '../../src/kube/resource.js';
import { startCluster } from '../../src/localenv/index.js';
import { RELEASE_API_VERSION, RES } from '../../src/release/keys.js';
import { createPods, pool, waitRunning } from '../lib/pods.js';
import { renderFigures, type Figure } from '../lib/report.js';
import { summarize, type LatencySummary } from '../lib/stats.js';
import { openBrowser, pageRecords, timeColdRender, timeFirstRender, CHROMIUM } from './browser.js';
import { startConsoleProc } from './console-proc.js';
import { domLatencies, firstArrivals, matchLatencies } from './latency.js';
import { kubectlWatch, sseClient, watchPods } from './sources.js';

const RELEASE_PODS = Number(process.env.BENCH_RELEASE_PODS ?? 1_000);
const NS_PODS = Number(process.env.BENCH_NS_PODS ?? 10_000);
const LIST_ITEMS = Number(process.env.BENCH_LIST_ITEMS ?? 1_500);
const NODES = Number(process.env.BENCH_NODES ?? 50);
const SAMPLES = 30;
const NS = 'shop';
const NS_LIST = 'catalog';
const APP = 'web';
const SELECTOR = `app=${APP}`;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

const log = (m: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${m}\n`);

function template(image: string): Record<string, unknown> {
  return {
    metadata: { labels: { app: APP } },
    spec: { containers: [{ name: 'web', image, ports: [{ name: 'http', containerPort: 8080 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }], terminationGracePeriodSeconds: 0 },
  };
}

function cellDeployment(name: string, namespace: string, replicas: number): Record<string, unknown> {
  return {
    apiVersion: RELEASE_API_VERSION,
    kind: 'CellDeployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name === APP ? APP : `item-${name}` } },
      template: name === APP ? template('registry.example.com/shop/web:1.0.0') : { ...template('registry.example.com/shop/item:1.0.0'), metadata: { labels: { app: `item-${name}` } } },
      topology: { unitKey: 'topology.kubernetes.io/zone', units: ['zone-a', 'zone-b', 'zone-c'] },
      strategy: { type: 'InPlaceIfPossible', beta: true, batchSize: 100, needConfirm: true, pauseSeconds: 0, drainSeconds: 0 },
    },
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function samples(n: number, fn: () => Promise<unknown>): Promise<LatencySummary> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await timed(fn));
  return summarize(out);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 900_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

async function main(): Promise<void> {
  log('building Plinth (dist/, and the web UI when its build script exists)');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const webBuilt = existsSync(join(ROOT, 'dist/console-web/index.html'));
  log(`starting a cluster with ${NODES} simulated nodes`);
  const cluster = await startCluster({ version: 'new', nodes: NODES, zones: 3, onProgress: (m) => log(`  ${m}`) });
  const kubectl = (await run(join(ROOT, 'bench/console/kubectl.sh'), [], { maxBuffer: 1 << 20 })).stdout.trim();
  const client = await KubeClient.fromKubeConfig(cluster.kubeConfig, { maxSockets: 32, userAgent: 'plinth-bench' });
  const stopManager = new AbortController();
  let manager: Promise<number> | undefined;
  const stops: (() => Promise<void> | void)[] = [];
  try {
    await installCrds(client);
    await installAggregatedRoles(client);
    manager = runManager({ kubeConfig: cluster.kubeConfig, metricsPort: 0, leaderElect: false, namespace: 'plinth-system', signal: stopManager.signal });
    for (const ns of [NS, NS_LIST]) await client.create(ref('v1', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const cds = inNamespace(RES.cellDeployments, NS);
    await client.create(cds, cellDeployment(APP, NS, RELEASE_PODS));
    const upMs = await timed(() => until('the release workload', async () => ((await client.get<CellDeployment>(cds, APP)).status?.readyReplicas === RELEASE_PODS ? true : undefined)));
    log(`CellDeployment ${NS}/${APP}: ${RELEASE_PODS} pods ready in ${(upMs / 1000).toFixed(1)} s`);
    const nodes = (await client.list<{ metadata: { name: string } }>(ref('v1', 'nodes'))).items.map((n) => n.metadata.name);
    const filler = NS_PODS - RELEASE_PODS;
    await createPods(client, NS, filler, nodes);
    await waitRunning(client, NS, NS_PODS);
    log(`namespace ${NS}: ${NS_PODS} pods Running`);
    await pool(Array.from({ length: LIST_ITEMS }, (_, i) => `item-${String(i).padStart(5, '0')}`), 32, async (name) => {
      await client.create(inNamespace(RES.cellDeployments, NS_LIST), cellDeployment(name, NS_LIST, 0));
    });
    log(`namespace ${NS_LIST}: ${LIST_ITEMS} CellDeployments`);

    const con = await startConsoleProc(cluster.kubeconfigPath);
    stops.push(() => con.stop());
    const linkRes = await fetch(con.link, { redirect: 'manual' });
    const cookie = (linkRes.headers.getSetCookie().find((c) => c.startsWith('plinth_session=')) ?? '').split(';')[0]!;
    if (!cookie) throw new Error(`the admin link gave no session (${linkRes.status})`);
    const session = (await (await fetch(`${con.url}/api/v1/session`, { headers: { cookie } })).json()) as { csrfToken: string };
    const api = async (path: string, method = 'GET'): Promise<unknown> => {
      const res = await fetch(con.url + path, { method, headers: { cookie, ...(method !== 'GET' ? { 'x-plinth-csrf': session.csrfToken } : {}) } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${body}`);
      return JSON.parse(body) as unknown;
    };
    const rssIdle = con.rssMiB();

    // The release: the beta batch runs, the next waits for confirmation (the state the screens are timed in).
    await client.patch(cds, APP, { spec: { template: { spec: { containers: (template('registry.example.com/shop/web:1.0.1')['spec'] as { containers: unknown[] }).containers } } } }, 'merge');
    const waiting = async (confirmed: number): Promise<true | undefined> => {
      const cd = await client.get<CellDeployment>(cds, APP);
      const name = cd.status?.releaseOrder;
      if (!name) return undefined;
      const o = await client.get<ReleaseOrder>(inNamespace(RES.releaseOrders, NS), name);
      const batches = o.status?.batches ?? [];
      const done = batches.filter((x) => x.phase === 'Succeeded').length;
      return done > confirmed && batches.some((x) => x.phase === 'WaitingForConfirm') ? true : undefined;
    };
    await until('the beta batch done and batch 2 waiting', () => waiting(0));

    log('API timings');
    const listFirst = await samples(SAMPLES, () => api(`/api/v1/releases?namespace=${NS_LIST}&limit=100`));
    const listAll = await samples(5, async () => {
      let cont: string | null = null;
      do {
        const page = (await api(`/api/v1/releases?namespace=${NS_LIST}&limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)) as { continue: string | null };
        cont = page.continue;
      } while (cont);
    });
    const detail = await samples(SAMPLES, () => api(`/api/v1/namespaces/${NS}/releases/${APP}`));
    const kubeconfig = cluster.kubeconfigPath;
    const kListAll = await samples(5, () => run(kubectl, ['--kubeconfig', kubeconfig, 'get', 'celldeployments.apps.plinth.dev', '-n', NS_LIST, '-o', 'name'], { maxBuffer: 64 << 20 }));
    const kListFirst = await samples(SAMPLES, () => run(kubectl, ['--kubeconfig', kubeconfig, 'get', 'celldeployments.apps.plinth.dev', '-n', NS_LIST, '--chunk-size=100', '-o', 'name'], { maxBuffer: 64 << 20 }));
    const kPods = await samples(SAMPLES, () => run(kubectl, ['--kubeconfig', kubeconfig, 'get', 'pods', '-n', NS, '-l', SELECTOR, '-o', 'json'], { maxBuffer: 256 << 20 }));
    const rssAfterApi = con.rssMiB();

    log('live view: the bench watch, an SSE client, kubectl -w and the browser, through two confirmed batches');
    const ref0 = await watchPods(client, NS, SELECTOR);
    stops.push(() => ref0.stop());
    const sse = await sseClient(con.url, cookie, NS);
    stops.push(() => sse.stop());
    const kw = kubectlWatch(kubectl, kubeconfig, NS, SELECTOR);
    stops.push(() => kw.stop());
    let firstRender: LatencySummary | undefined;
    let coldRender: LatencySummary | undefined;
    let browserLive: { samples: number[]; unmatched: number } | undefined;
    let browserNote = '';
    const b = webBuilt && existsSync(CHROMIUM) ? await openBrowser() : undefined;
    if (b) {
      stops.push(() => b.browser.close());
      const sessionCookie = { name: 'plinth_session', value: cookie.split('=')[1]!, url: con.url };
      const detailUrl = `${con.url}/releases/${NS}/${APP}`;
      const cold: number[] = [];
      for (let i = 0; i < 3; i++) cold.push(await timeColdRender(b.browser, sessionCookie, detailUrl, RELEASE_PODS));
      coldRender = summarize(cold);
      await b.page.context().addCookies([sessionCookie]);
      const renders: number[] = [];
      for (let i = 0; i < 5; i++) renders.push(await timeFirstRender(b.page, detailUrl, RELEASE_PODS));
      firstRender = summarize(renders);
    } else browserNote = webBuilt ? `no browser at ${CHROMIUM}` : 'the web UI is not built (dist/console-web)';
    let peak = con.rssMiB();
    const sampler = setInterval(() => (peak = Math.max(peak, con.rssMiB())), 500);
    stops.push(() => clearInterval(sampler));
    await sleep(2000);

    for (let k = 1; k <= 2; k++) {
      await api(`/api/v1/namespaces/${NS}/releases/${APP}/confirm`, 'POST');
      await until(`batch ${k + 1} done and the next waiting`, () => waiting(k));
    }
    await sleep(3000);
    const source = firstArrivals(ref0.arrivals);
    const sseLat = matchLatencies(source, sse.arrivals);
    const kubectlLat = matchLatencies(source, kw.arrivals);
    if (b) {
      const rec = await pageRecords(b.page);
      browserLive = domLatencies(source, rec.messages, rec.changes);
    }
    const s = (x: { samples: number[] } | undefined): LatencySummary | undefined => (x ? summarize(x.samples) : undefined);
    const figures: Figure[] = [
      { metric: `releases list, first page of 100 (of ${LIST_ITEMS}), p95`, unit: 'ms', better: 'lower', plinth: listFirst.p95, peers: { 'kubectl get --chunk-size=100': kListFirst.p95 } },
      { metric: `releases list, all ${LIST_ITEMS} (pages of 500), p95`, unit: 'ms', better: 'lower', plinth: listAll.p95, peers: { 'kubectl get': kListAll.p95 } },
      { metric: `release detail (${RELEASE_PODS} pods in a namespace of ${NS_PODS}), p95`, unit: 'ms', better: 'lower', plinth: detail.p95, peers: { 'kubectl get pods -l -o json': kPods.p95 } },
      { metric: 'pod change → SSE client, p95', unit: 'ms', better: 'lower', plinth: s(sseLat)!.p95, peers: { 'kubectl get -w': s(kubectlLat)!.p95 } },
      ...(browserLive ? [{ metric: 'pod change → shown in the browser, p95', unit: 'ms', better: 'lower' as const, plinth: s(browserLive)!.p95, peers: { 'kubectl get -w': s(kubectlLat)!.p95 }, target: '≤ 1000', check: (p: number) => p <= 1000 }] : []),
      ...(coldRender ? [{ metric: `release detail first render, ${RELEASE_PODS} pods, new browser context (Chromium), median of 3`, unit: 'ms', better: 'lower' as const, plinth: coldRender.p50, peers: {}, target: '≤ 1000', check: (p: number) => p <= 1000 }] : []),
      ...(firstRender ? [{ metric: `release detail render on reload, ${RELEASE_PODS} pods (Chromium), p95 of 5`, unit: 'ms', better: 'lower' as const, plinth: firstRender.p95, peers: {}, target: '≤ 1000', check: (p: number) => p <= 1000 }] : []),
      { metric: 'console RSS idle / after the API runs / peak in the live view', unit: 'MiB', better: 'lower', plinth: peak, peers: {} },
    ];
    const report = renderFigures('console', figures);
    process.stdout.write(report.text);
    process.stdout.write(
      `console RSS: idle ${rssIdle.toFixed(0)} MiB, after the API runs ${rssAfterApi.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB\n` +
        `changes seen: watch ${source.size}, SSE ${sseLat.samples.length} (+${sseLat.unmatched} unmatched), kubectl -w ${kubectlLat.samples.length} (+${kubectlLat.unmatched}), browser ${browserLive ? `${browserLive.samples.length} (+${browserLive.unmatched})` : `not measured: ${browserNote}`}\n` +
        `bring-up of the release workload: ${(upMs / 1000).toFixed(1)} s; machine load ${(await run('cat', ['/proc/loadavg'])).stdout.trim()}\n`,
    );
    const file = join(tmpdir(), `plinth-bench-console-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify({ figures: figures.map(({ check: _c, ...f }) => f), listFirst, listAll, detail, kListFirst, kListAll, kPods, sse: s(sseLat), kubectlWatch: s(kubectlLat), browser: s(browserLive), firstRender, coldRender, rss: { idle: rssIdle, afterApi: rssAfterApi, peak } }, null, 2));
    log(`results: ${file}`);
  } finally {
    for (const stop of stops.reverse()) await stop();
    stopManager.abort();
    await manager?.catch(() => 1);
    await cluster.stop();
  }
}

await main();
