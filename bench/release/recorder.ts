// What kube-proxy sees, recorded: watches the pods and EndpointSlices of one namespace and keeps every
// observation with its receipt time, for the pure analysis in lossless.ts.
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../src/kube/http.js';
import { inNamespace, ref, type ResourceRef } from '../../src/kube/resource.js';
import type { EndpointSliceLike } from '../../src/release/pod/endpoints.js';
import { endpointObs, type PodObs, type SliceObs } from './lossless.js';

export interface Recording {
  pods: PodObs[];
  slices: SliceObs[];
  /** When the recording started and stopped (ms). */
  from: number;
  to: number;
}

export interface Recorder {
  stop(): Promise<Recording>;
}

/** One pod observation from a pod object. */
export function podObs(t: number, p: V1Pod, gone: boolean): PodObs {
  const spec = p.spec?.containers?.[0];
  const st = p.status?.containerStatuses?.find((c) => c.name === spec?.name);
  return {
    t,
    uid: p.metadata?.uid ?? '',
    image: spec?.image ?? '',
    deleting: !!p.metadata?.deletionTimestamp,
    gone,
    upToDate: !!st && st.ready && st.image === spec?.image,
  };
}

/** One slice observation from an EndpointSlice object (a deleted slice lists nothing). */
export function sliceObs(t: number, s: EndpointSliceLike, gone: boolean): SliceObs {
  const endpoints = gone ? [] : (s.endpoints ?? []).filter((e) => e.targetRef?.uid).map((e) => endpointObs(e.targetRef!.uid!, e.conditions));
  return { t, slice: s.metadata?.name ?? '', endpoints };
}

/** Lists, then watches from the list's resourceVersion, until `stop()`. */
export async function startRecorder(client: KubeClient, namespace: string): Promise<Recorder> {
  const ac = new AbortController();
  const rec: Recording = { pods: [], slices: [], from: Date.now(), to: 0 };
  const follow = async <T extends { metadata?: { resourceVersion?: string } }>(r: ResourceRef, on: (t: number, o: T, gone: boolean) => void): Promise<() => Promise<void>> => {
    const list = await client.list<T>(r);
    const t0 = Date.now();
    for (const o of list.items) on(t0, o, false);
    let version = list.metadata.resourceVersion;
    return async (): Promise<void> => {
      while (!ac.signal.aborted) {
        try {
          for await (const ev of client.watch<T>(r, { resourceVersion: version, signal: ac.signal })) {
            if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') {
              if (ev.type === 'BOOKMARK') version = ev.object.metadata?.resourceVersion ?? version;
              continue;
            }
            version = ev.object.metadata?.resourceVersion ?? version;
            on(Date.now(), ev.object, ev.type === 'DELETED');
          }
        } catch {
          if (ac.signal.aborted) return;
        }
      }
    };
  };
  const runPods = await follow<V1Pod>(inNamespace(ref('v1', 'pods'), namespace), (t, p, gone) => void rec.pods.push(podObs(t, p, gone)));
  const runSlices = await follow<EndpointSliceLike>(inNamespace(ref('discovery.k8s.io/v1', 'endpointslices'), namespace), (t, s, gone) =>
    void rec.slices.push(sliceObs(t, s, gone)),
  );
  const watches = [runPods(), runSlices()];
  return {
    async stop(): Promise<Recording> {
      ac.abort();
      await Promise.allSettled(watches);
      rec.to = Date.now();
      return rec;
    },
  };
}
