// What the release bench's figures mean and do not mean, printed under its table.

export interface CaveatOptions {
  batch: number;
  preStopSeconds: number;
  rate: number;
  delaysMs: readonly number[];
  podStartMs: number;
  inPlaceMs: number;
}

export function caveats(o: CaveatOptions): string {
  return [
    `Equal concurrency: the CellDeployment releases in batches of ${o.batch} (beta first); both Deployments use maxSurge 0, ` +
      `maxUnavailable ${o.batch}. An in-place batch takes ${o.batch} pods out of traffic and creates none, so the matching ` +
      `Deployment is the one that also has at most ${o.batch} pods out of service and never more pods than replicas ` +
      `(50/50 would run 50 extra pods and keep more capacity, a different trade).`,
    `kwok is the kubelet: a new pod runs and is Ready ${o.podStartMs} ms after binding (no image pull, sandbox or probes); an ` +
      `in-place restart takes ${o.inPlaceMs} ms and is reported in one status patch. kwok ignores preStop and ` +
      `terminationGracePeriodSeconds: it DELETEs a pod with grace 0 as soon as its deletionTimestamp is set, i.e. a plain ` +
      `Deployment's process is taken to stop at once on SIGTERM. For the preStop workload the bench simulates the kubelet: ` +
      `its pods carry a finalizer, stay Running and Ready while terminating (the EndpointSlice lists them ready=false, ` +
      `serving=true, terminating=true), and the bench removes the finalizer ${o.preStopSeconds} s after it sees the deletion ` +
      `(the preStop sleep), standing for the container's end.`,
    `Lossy pod-seconds (the issue's figure): per pod, the time an EndpointSlice listed it ready or serving after its deletion ` +
      `was seen (deletionTimestamp set, or gone) or while its spec image differed from what its container ran ready. ` +
      `"Listed ready only" is what kube-proxy routes to while a Service has ready endpoints (serving-but-terminating ` +
      `endpoints are only a fallback). "Process stopped" counts a preStop pod's deletion only from the end of its sleep, ` +
      `the moment its process would stop serving: the preStop workaround works when that figure is 0 while the first is not.`,
    `Lossy requests: a simulated client sends ${o.rate} requests/s, each to a random endpoint among those the slices ` +
      `listed ready ${o.delaysMs.join(' or ')} ms earlier (kube-proxy's propagation delay), and counts those that reached a pod going ` +
      `away at that instant. All times are receipt times of this process's watches of pods and EndpointSlices, which ` +
      `stand for kube-proxy's; the CellDeployment runs with drainSeconds 0, so a kube-proxy slower than the controller's ` +
      `own reaction to the slice update can still route to a pod whose image is being changed.`,
    `CPU and writes are per window (the image change until all updated and ready) and include everything on the cluster: ` +
      `kwok, kube-controller-manager (EndpointSlices), the scheduler, node heartbeats, this process (Plinth manager, watchers, ` +
      `the preStop simulator's finalizer removals, ${o.preStopSeconds} s after each deletion, partly after the window).`,
    '',
  ].join('\n');
}
