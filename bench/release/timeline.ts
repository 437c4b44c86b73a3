// Where a CellDeployment release spends its time: watches the pods and EndpointSlices of one namespace and
// records, per pod, when this process saw each step of the lossless sequence (times are watch-receipt times).
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../src/kube/http.js';
import { inNamespace, ref } from '../../src/kube/resource.js';
import type { EndpointSliceLike } from '../../src/release/pod/endpoints.js';
import { KEYS } from '../../src/release/keys.js';

export const STEPS = ['drain', 'outOfSlices', 'imagePatched', 'containerReady', 'admitted', 'ready'] as const;
export type Step = (typeof STEPS)[number];

const STEP_TEXT: Record<Step, string> = {
  drain: 'gate False (drain) seen',
  outOfSlices: 'EndpointSlice lists it not ready',
  imagePatched: 'new image in pod spec',
  containerReady: 'container ready on new image',
  admitted: 'gate True (admit) seen',
  ready: 'pod Ready again',
};

export interface Timeline {
  stop(): Promise<string>;
}

function cond(p: V1Pod, type: string): string | undefined {
  return p.status?.conditions?.find((c) => c.type === type)?.status;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Starts watching now; `stop()` ends the watches and returns a text report relative to `t0()`. */
export async function watchTimeline(client: KubeClient, namespace: string, newImage: string, t0: () => number): Promise<Timeline> {
  const ac = new AbortController();
  const seen = new Map<string, Partial<Record<Step, number>>>();
  const nameOfUid = new Map<string, string>();
  const sliceReady = new Map<string, boolean>();
  const mark = (pod: string, step: Step): void => {
    const s = seen.get(pod) ?? {};
    if (s[step] === undefined) s[step] = Date.now();
    seen.set(pod, s);
  };
  const onPod = (p: V1Pod): void => {
    const name = p.metadata?.name ?? '';
    if (p.metadata?.uid) nameOfUid.set(p.metadata.uid, name);
    const s = seen.get(name) ?? {};
    if (cond(p, KEYS.gate) === 'False') mark(name, 'drain');
    if (s.drain !== undefined && p.metadata?.uid && sliceReady.get(p.metadata.uid) === false) mark(name, 'outOfSlices');
    if (p.spec?.containers?.[0]?.image === newImage) mark(name, 'imagePatched');
    const cs = p.status?.containerStatuses?.[0];
    if (cs?.image === newImage && cs.ready) mark(name, 'containerReady');
    const s2 = seen.get(name) ?? {};
    if (s2.imagePatched !== undefined && cond(p, KEYS.gate) === 'True') mark(name, 'admitted');
    if (s2.admitted !== undefined && cond(p, 'Ready') === 'True') mark(name, 'ready');
  };
  const onSlice = (sl: EndpointSliceLike): void => {
    for (const e of sl.endpoints ?? []) {
      const uid = e.targetRef?.uid;
      if (!uid) continue;
      const ready = e.conditions?.ready !== false || e.conditions?.serving === true;
      sliceReady.set(uid, ready);
      const name = nameOfUid.get(uid);
      if (!ready && name && seen.get(name)?.drain !== undefined) mark(name, 'outOfSlices');
    }
  };
  const pods = inNamespace(ref('v1', 'pods'), namespace);
  const slices = inNamespace(ref('discovery.k8s.io/v1', 'endpointslices'), namespace);
  const podList = await client.list<V1Pod>(pods);
  for (const p of podList.items) if (p.metadata?.uid) nameOfUid.set(p.metadata.uid, p.metadata.name ?? '');
  const sliceList = await client.list<EndpointSliceLike>(slices);
  for (const s of sliceList.items) for (const e of s.endpoints ?? []) if (e.targetRef?.uid) sliceReady.set(e.targetRef.uid, e.conditions?.ready !== false);
  const run = async <T>(r: typeof pods, rv: string | undefined, on: (o: T) => void): Promise<void> => {
    let version = rv;
    while (!ac.signal.aborted) {
      try {
        for await (const ev of client.watch<T & { metadata?: { resourceVersion?: string } }>(r, { resourceVersion: version, signal: ac.signal, allowWatchBookmarks: true })) {
          version = ev.object.metadata?.resourceVersion ?? version;
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') on(ev.object);
        }
      } catch {
        if (ac.signal.aborted) return;
      }
    }
  };
  const watches = [run<V1Pod>(pods, podList.metadata.resourceVersion, onPod), run<EndpointSliceLike>(slices, sliceList.metadata.resourceVersion, onSlice)];

  return {
    async stop(): Promise<string> {
      ac.abort();
      await Promise.allSettled(watches);
      const start = t0();
      const rows: string[][] = [['step', 'pods', 'p50 (s)', 'p90 (s)', 'max (s)']];
      const fmt = (n: number): string => (Number.isNaN(n) ? 'n/a' : (n / 1000).toFixed(2));
      for (let i = 1; i < STEPS.length; i++) {
        const from = STEPS[i - 1]!;
        const to = STEPS[i]!;
        const d = [...seen.values()].filter((s) => s[from] !== undefined && s[to] !== undefined).map((s) => s[to]! - s[from]!).sort((a, b) => a - b);
        rows.push([`${STEP_TEXT[from]} -> ${STEP_TEXT[to]}`, String(d.length), fmt(quantile(d, 0.5)), fmt(quantile(d, 0.9)), fmt(d.at(-1) ?? NaN)]);
      }
      const whole = [...seen.values()].filter((s) => s.drain !== undefined && s.ready !== undefined).map((s) => s.ready! - s.drain!).sort((a, b) => a - b);
      rows.push(['whole sequence (gate False -> Ready)', String(whole.length), fmt(quantile(whole, 0.5)), fmt(quantile(whole, 0.9)), fmt(whole.at(-1) ?? NaN)]);
      const drains = [...seen.values()].map((s) => s.drain).filter((t): t is number => t !== undefined);
      const readies = [...seen.values()].map((s) => s.ready).filter((t): t is number => t !== undefined);
      // Pods in flight over time: how much of the batch runs concurrently.
      let peak = 0;
      const evs = [...drains.map((t) => [t, 1] as const), ...readies.map((t) => [t, -1] as const)].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      let cur = 0;
      for (const [, d] of evs) peak = Math.max(peak, (cur += d));
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      return (
        `per-pod steps of the CellDeployment release (watch-receipt times; first drain ${fmt(Math.min(...drains) - start)} s after the image change, ` +
        `last Ready ${fmt(Math.max(...readies) - start)} s after it; at most ${peak} pods between gate False and Ready at once):\n` +
        rows.map((r) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n') +
        '\n'
      );
    },
  };
}
