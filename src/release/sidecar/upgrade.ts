import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { SidecarSet } from '../../api/release/sidecarset.js';
import { sidecarSetHash } from './hash.js';
import { SIDECAR_KEYS, type JsonPatchOp } from './inject.js';
import { injectedHashes } from './status.js';

function statusOf(pod: V1Pod, name: string): V1ContainerStatus | undefined {
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((s) => s.name === name);
}

function specImage(pod: V1Pod, name: string): string | undefined {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name)?.image;
}

/**
 * Whether the set's sidecars on `pod` run ready on the images its spec names. A container the kubelet reports no
 * status for counts as settled (a real kubelet reports every container; kwok reports no init containers).
 */
export function sidecarsSettled(set: SidecarSet, pod: V1Pod): boolean {
  return set.spec.containers.every((c) => {
    const s = statusOf(pod, c.name);
    return s === undefined || (s.image === specImage(pod, c.name) && s.ready);
  });
}

/**
 * The JSONPatch moving one pod's sidecars to the set's images (the only container field Kubernetes lets change
 * on a running pod: the kubelet restarts that container alone, the application keeps running) and recording the
 * new hash. `test` on the resourceVersion makes it fail rather than act on a pod that changed since it was read.
 */
export function upgradePatch(set: SidecarSet, pod: V1Pod): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [{ op: 'test', path: '/metadata/resourceVersion', value: pod.metadata?.resourceVersion }];
  for (const c of set.spec.containers) {
    for (const list of ['initContainers', 'containers'] as const) {
      const i = (pod.spec?.[list] ?? []).findIndex((x) => x.name === c.name);
      if (i >= 0 && pod.spec![list]![i]!.image !== c.image) ops.push({ op: 'replace', path: `/spec/${list}/${i}/image`, value: c.image });
    }
  }
  const hashes = { ...injectedHashes(pod), [set.metadata.name ?? '']: sidecarSetHash(set) };
  ops.push({ op: 'replace', path: `/metadata/annotations/${SIDECAR_KEYS.hash.replace(/\//g, '~1')}`, value: JSON.stringify(hashes) });
  return ops;
}
