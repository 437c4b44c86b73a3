import type { V1Pod } from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/resource.js';

/** The part of a discovery.k8s.io/v1 EndpointSlice the controllers read. */
export interface EndpointSliceLike extends KubeObject {
  endpoints?: Array<{
    targetRef?: { kind?: string; name?: string; namespace?: string; uid?: string };
    conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  }>;
}

/** Index name of EndpointSlices by the UIDs of the pods they list. */
export const SLICES_BY_POD_UID = 'byPodUid';

/** Index function: the pod UIDs an EndpointSlice lists. */
export function slicePodUids(slice: EndpointSliceLike): string[] {
  const out: string[] = [];
  for (const e of slice.endpoints ?? []) {
    if (e.targetRef?.kind === 'Pod' && e.targetRef.uid) out.push(e.targetRef.uid);
  }
  return out;
}

/** `namespace/name` of the pods an EndpointSlice lists (to map slice events to pods). */
export function slicePodKeys(slice: EndpointSliceLike): string[] {
  const ns = slice.metadata?.namespace ?? '';
  const out: string[] = [];
  for (const e of slice.endpoints ?? []) {
    if (e.targetRef?.kind === 'Pod' && e.targetRef.name) out.push(`${e.targetRef.namespace ?? ns}/${e.targetRef.name}`);
  }
  return out;
}

/**
 * Whether any EndpointSlice may still send traffic to the pod: it is listed as ready, or as serving (proxies
 * may use serving endpoints). A nil `ready` is read as ready (the API's meaning of "unknown"); a nil `serving`
 * follows `ready`. A pod no slice lists (no Service selects it) is out of traffic.
 *
 * Terminating endpoints (pods being deleted) count only when `ready`: the EndpointSlice controller lists them
 * as not ready, and proxies fall back to serving-but-terminating endpoints only when a Service has no ready
 * endpoint at all. (The controller drains pods before it deletes them; this case is for deletions it did not
 * make — a user's, or the garbage collector's after the CellDeployment was deleted.)
 */
export function inTraffic(pod: V1Pod, slices: readonly EndpointSliceLike[]): boolean {
  const uid = pod.metadata?.uid;
  if (!uid) return false;
  for (const s of slices) {
    for (const e of s.endpoints ?? []) {
      if (e.targetRef?.uid !== uid) continue;
      const ready = e.conditions?.ready !== false;
      if (e.conditions?.terminating === true) {
        if (ready) return true;
        continue;
      }
      const serving = e.conditions?.serving ?? ready;
      if (ready || serving) return true;
    }
  }
  return false;
}
