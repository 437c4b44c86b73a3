// Where a bring-up (or scale-up) spends its time: per pod, when this process's watch saw it created, bound to a
// node, started by the kubelet (containers ready) and Ready; summarised as the span of the creations and the
// quantiles of each hop. The same for every workload, so the CellDeployment's extra hop (its admit) shows.
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../src/kube/http.js';
import { inNamespace, ref } from '../../src/kube/resource.js';

const STEPS = ['created', 'bound', 'started', 'ready'] as const;
type Step = (typeof STEPS)[number];
export type PodSteps = Partial<Record<Step, number>>;

export interface StepWatch {
  stop(): Promise<string>;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The text summary of per-pod step times relative to `t0` (pure). */
export function summariseSteps(title: string, pods: ReadonlyMap<string, PodSteps>, t0: number): string {
  const all = [...pods.values()];
  const fmt = (ms: number): string => (Number.isNaN(ms) ? 'n/a' : (ms / 1000).toFixed(2));
  const at = (s: Step): number[] => all.map((p) => p[s]).filter((t): t is number => t !== undefined).sort((a, b) => a - b);
  const rows: string[][] = [['hop', 'pods', 'p50 (s)', 'p90 (s)', 'max (s)']];
  for (let i = 1; i < STEPS.length; i++) {
    const a = STEPS[i - 1]!;
    const b = STEPS[i]!;
    const d = all.filter((p) => p[a] !== undefined && p[b] !== undefined).map((p) => p[b]! - p[a]!).sort((x, y) => x - y);
    rows.push([`${a} -> ${b}`, String(d.length), fmt(quantile(d, 0.5)), fmt(quantile(d, 0.9)), fmt(d.at(-1) ?? NaN)]);
  }
  const created = at('created');
  const ready = at('ready');
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    `${title}: ${created.length} pods created from ${fmt((created[0] ?? NaN) - t0)} s to ${fmt((created.at(-1) ?? NaN) - t0)} s, ` +
    `half of them by ${fmt(quantile(created, 0.5) - t0)} s; last Ready at ${fmt((ready.at(-1) ?? NaN) - t0)} s (watch-receipt times)\n` +
    rows.map((r) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n') +
    '\n'
  );
}

/** Watches the namespace's pods from now on; `stop()` returns the summary for the pods created meanwhile. */
export async function watchBringUp(client: KubeClient, namespace: string, title: string): Promise<StepWatch> {
  const ac = new AbortController();
  const r = inNamespace(ref('v1', 'pods'), namespace);
  const list = await client.list<V1Pod>(r);
  const existing = new Set(list.items.map((p) => p.metadata?.uid));
  const t0 = Date.now();
  const pods = new Map<string, PodSteps>();
  const mark = (uid: string, s: Step): void => {
    const p = pods.get(uid) ?? {};
    if (p[s] === undefined) p[s] = Date.now();
    pods.set(uid, p);
  };
  const onPod = (p: V1Pod): void => {
    const uid = p.metadata?.uid;
    if (!uid || existing.has(uid) || p.metadata?.deletionTimestamp) return;
    mark(uid, 'created');
    if (p.spec?.nodeName) mark(uid, 'bound');
    if ((p.status?.containerStatuses ?? []).length > 0 && p.status!.containerStatuses!.every((c) => c.ready)) mark(uid, 'started');
    if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) mark(uid, 'ready');
  };
  const run = (async (): Promise<void> => {
    let version = list.metadata.resourceVersion;
    while (!ac.signal.aborted) {
      try {
        for await (const ev of client.watch<V1Pod>(r, { resourceVersion: version, signal: ac.signal })) {
          version = ev.object.metadata?.resourceVersion ?? version;
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') onPod(ev.object);
        }
      } catch {
        if (ac.signal.aborted) return;
      }
    }
  })();
  return {
    async stop(): Promise<string> {
      ac.abort();
      await run;
      return summariseSteps(title, pods, t0);
    },
  };
}
