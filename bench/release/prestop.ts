// The kubelet's graceful termination with a preStop sleep, simulated for kwok. kwok ignores `lifecycle.preStop`
// and `terminationGracePeriodSeconds`: when a pod's deletionTimestamp is set it DELETEs it with grace 0 at once
// (stage plinth-pod-delete, podStopDelayMs 0), so without help such a pod would vanish as soon as it is deleted.
// A real kubelet instead runs the preStop hook while the container keeps serving (the pod stays Ready, so the
// EndpointSlice lists it ready=false, serving=true, terminating=true), then sends SIGTERM, reports the container
// terminated and deletes the pod with grace 0. Here the workload's pods carry a finalizer (from the pod
// template); kwok's grace-0 DELETE leaves them terminating with their status untouched, and this simulator
// removes the finalizer `preStopMs` after it first sees the deletion: one write, where the kubelet makes one
// status write (kwok's DELETE standing for the kubelet's final one).
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../src/kube/http.js';
import { inNamespace, ref } from '../../src/kube/resource.js';
import { errorMessage } from '../../src/errors/index.js';

export const PRESTOP_FINALIZER = 'bench.plinth.dev/prestop-sleep';

export interface PreStopSim {
  /** Pods whose preStop the simulator ran to the end. */
  finished(): number;
  /** Stops watching, then waits for the sleeps already started (their pods are removed). */
  stop(): Promise<void>;
}

export function startPreStopSim(client: KubeClient, namespace: string, preStopMs: number, log: (m: string) => void): PreStopSim {
  const ac = new AbortController();
  const pods = inNamespace(ref('v1', 'pods'), namespace);
  const pending = new Map<string, Promise<void>>();
  let done = 0;
  const release = async (p: V1Pod): Promise<void> => {
    await new Promise((r) => setTimeout(r, preStopMs));
    const finalizers = (p.metadata?.finalizers ?? []).filter((f) => f !== PRESTOP_FINALIZER);
    try {
      await client.patch(pods, p.metadata!.name!, [{ op: 'replace', path: '/metadata/finalizers', value: finalizers }], 'json');
      done++;
    } catch (err) {
      log(`preStop simulator: ${p.metadata?.name}: ${errorMessage(err)}`);
    }
  };
  const onPod = (p: V1Pod): void => {
    const uid = p.metadata?.uid;
    if (!uid || !p.metadata?.deletionTimestamp || pending.has(uid) || !p.metadata.finalizers?.includes(PRESTOP_FINALIZER)) return;
    pending.set(uid, release(p));
  };
  const watch = (async (): Promise<void> => {
    let version: string | undefined;
    while (!ac.signal.aborted) {
      try {
        if (version === undefined) {
          const list = await client.list<V1Pod>(pods, { signal: ac.signal });
          list.items.forEach(onPod);
          version = list.metadata.resourceVersion;
        }
        for await (const ev of client.watch<V1Pod>(pods, { resourceVersion: version, signal: ac.signal })) {
          if (ev.type === 'ERROR') {
            version = undefined;
            break;
          }
          version = ev.object.metadata?.resourceVersion ?? version;
          if (ev.type !== 'BOOKMARK' && ev.type !== 'DELETED') onPod(ev.object);
        }
      } catch {
        if (ac.signal.aborted) return;
      }
    }
  })();
  return {
    finished: () => done,
    async stop(): Promise<void> {
      ac.abort();
      await watch;
      await Promise.allSettled([...pending.values()]);
    },
  };
}
