// One informer under measurement, in its own process so heap figures are its own.
// usage: node --expose-gc --import tsx bench/informer/worker.ts <plinth|client-node|kubectl> <kubeconfig> <expected>
// Prints one JSON line {"phase":"synced",...} when its cache holds <expected> pods, then counts
// update events (lag from the "benchts" annotation) until stdin closes, then prints {"phase":"done",...}.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CoreV1Api, KubeConfig, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { KubeClient } from '../../src/kube/http.js';
import { Informer } from '../../src/kube/informer.js';
import { ref } from '../../src/kube/resource.js';
import { sleep } from '../../src/kube/clock.js';

const [kind, kubeconfig, expectedArg] = process.argv.slice(2);
const expected = Number(expectedArg);
const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const lags: number[] = [];
let events = 0;
let firstAt = 0;
let lastAt = 0;
function onUpdate(annotations: Record<string, string> | undefined): void {
  const ts = Number(annotations?.benchts);
  if (!ts) return;
  const now = Date.now();
  if (events === 0) firstAt = now;
  lastAt = now;
  events++;
  lags.push(now - ts);
}

function report(obj: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function waitStdinClose(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.resume();
    process.stdin.on('end', () => resolve());
    process.stdin.on('close', () => resolve());
  });
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main(): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig!);
  const before = heap();
  const t0 = performance.now();
  let keep: unknown;
  let count = (): number => 0;

  if (kind === 'plinth') {
    const client = await KubeClient.fromKubeConfig(kc);
    const inf = new Informer<{ metadata?: { annotations?: Record<string, string> } } & Record<string, unknown>>({
      client,
      resource: ref('v1', 'pods'),
      name: 'bench-pods',
    });
    inf.addHandler({ onUpdate: (_o, n) => onUpdate(n.metadata?.annotations) });
    inf.start();
    await inf.synced;
    count = () => inf.list().length;
    keep = inf;
  } else if (kind === 'client-node') {
    const api = kc.makeApiClient(CoreV1Api);
    const inf = makeInformer<V1Pod>(kc, '/api/v1/pods', () => api.listPodForAllNamespaces());
    inf.on('update', (p) => onUpdate(p.metadata?.annotations));
    await inf.start();
    const cache = inf as unknown as { list(ns?: string): V1Pod[] };
    while (cache.list().length < expected) await sleep(5);
    count = () => cache.list().length;
    keep = inf;
  } else if (kind === 'kubectl') {
    // kubectl prints the initial list, then one line per event.
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig!, 'get', 'pods', '-A', '-w', '--no-headers', '-o', 'custom-columns=N:.metadata.name,T:.metadata.annotations.benchts'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let lines = 0;
    let synced: () => void = () => undefined;
    const done = new Promise<void>((r) => (synced = r));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines++;
      if (lines === expected) synced();
      if (lines > expected) {
        const ts = line.trim().split(/\s+/)[1];
        onUpdate(ts && ts !== '<none>' ? { benchts: ts } : undefined);
      }
    });
    await done;
    count = () => Math.min(lines, expected);
    keep = child;
    process.on('exit', () => child.kill());
  } else {
    throw new Error(`unknown informer kind ${kind}`);
  }
  const syncMs = performance.now() - t0;
  const after = kind === 'kubectl' ? NaN : heap();
  report({ phase: 'synced', kind, syncMs, count: count(), heapBytes: after - before, rssBytes: process.memoryUsage().rss });
  await waitStdinClose();
  report({
    phase: 'done',
    kind,
    events,
    eventsPerSec: events > 1 ? (events - 1) / ((lastAt - firstAt) / 1000) : NaN,
    lagP50: pct(lags, 50),
    lagP99: pct(lags, 99),
  });
  void keep;
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`worker ${kind} failed: ${String(err)}\n`);
  process.exit(1);
});
