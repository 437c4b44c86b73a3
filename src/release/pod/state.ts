import type { V1Pod } from '@kubernetes/client-node';
import { KEYS } from '../keys.js';

/**
 * Pure reads of a pod's release state. Every decision about a pod is made from what the pod itself says
 * (labels, annotations, conditions, container statuses), so a restarted controller decides the same.
 */

export function podName(pod: V1Pod): string {
  return pod.metadata?.name ?? '';
}

export function podUid(pod: V1Pod): string {
  return pod.metadata?.uid ?? '';
}

/** The revision label ('' when missing). */
export function podRevision(pod: V1Pod): string {
  return pod.metadata?.labels?.[KEYS.revision] ?? '';
}

/** The unit label ('' when missing). */
export function podUnit(pod: V1Pod): string {
  return pod.metadata?.labels?.[KEYS.unit] ?? '';
}

export function isDeleting(pod: V1Pod): boolean {
  return pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
}

export function hasFinalizer(pod: V1Pod): boolean {
  return (pod.metadata?.finalizers ?? []).includes(KEYS.finalizer);
}

function condition(pod: V1Pod, type: string): string | undefined {
  return pod.status?.conditions?.find((c) => c.type === type)?.status;
}

/** The traffic gate condition's status, or undefined when the controller never set it. */
export function gateStatus(pod: V1Pod): 'True' | 'False' | 'Unknown' | undefined {
  const s = condition(pod, KEYS.gate);
  return s === 'True' || s === 'False' || s === 'Unknown' ? s : undefined;
}

/** The pod's Ready condition is True. */
export function isReady(pod: V1Pod): boolean {
  return condition(pod, 'Ready') === 'True';
}

/** When the Ready condition last moved to `status` (ms since the epoch), if it has that status and a readable time. */
function readyStatusSince(pod: V1Pod, status: 'True' | 'False'): number | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  if (c?.status !== status || !c.lastTransitionTime) return undefined;
  const t = new Date(c.lastTransitionTime).getTime();
  return Number.isNaN(t) ? undefined : t;
}

/** An annotation holding a time (ms since the epoch); undefined when absent or unreadable. */
function annotationTime(pod: V1Pod, key: string): number | undefined {
  const raw = pod.metadata?.annotations?.[key];
  if (raw === undefined) return undefined;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Since when the pod's Ready condition has been False (ms since the epoch, whole seconds as the API stores
 * them), from its lastTransitionTime; undefined when Ready is not False or the time is missing.
 */
export function readyFalseSince(pod: V1Pod): number | undefined {
  return readyStatusSince(pod, 'False');
}

/** Since when the pod's Ready condition has been True (ms since the epoch), else undefined. */
export function readyTrueSince(pod: V1Pod): number | undefined {
  return readyStatusSince(pod, 'True');
}

/**
 * Since when the pod had been Ready when its drain began (ms since the epoch), from the ready-since annotation
 * the drain writes; undefined when absent (the pod was not Ready then, or an older controller drained it).
 */
export function readySinceAtDrain(pod: V1Pod): number | undefined {
  return annotationTime(pod, KEYS.readySince);
}

/** When the controller set the gate False (ms since the epoch), from the drain annotation; undefined when absent or unreadable. */
export function drainStartedAt(pod: V1Pod): number | undefined {
  return annotationTime(pod, KEYS.drainStarted);
}

/** Who holds the pod out of traffic (the held-by annotation), if someone other than its release does. */
export function heldBy(pod: V1Pod): string | undefined {
  return pod.metadata?.annotations?.[KEYS.heldBy];
}

/** The pod is being taken out of traffic (or is out) on purpose: its drain annotation is set. */
export function isDraining(pod: V1Pod): boolean {
  return pod.metadata?.annotations?.[KEYS.drainStarted] !== undefined;
}

/**
 * Every container of the spec runs the spec's image and is ready. This is what "the new containers run
 * the new image and are ready" means after an in-place change: right after the patch the status still
 * shows the old image (ready), which does not count.
 */
export function containersReadyOnSpec(pod: V1Pod): boolean {
  const spec = pod.spec?.containers ?? [];
  if (spec.length === 0) return false;
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  return spec.every((c) => {
    const s = statuses.get(c.name);
    return s !== undefined && s.ready === true && s.state?.running !== undefined && sameImage(c.image ?? '', s.image ?? '');
  });
}

/**
 * The pod serves traffic and may be counted on: Ready, gate True, not being deleted and not draining.
 * The capacity guard counts only such pods, so a pod the controller just took out counts as out at once,
 * even before the kubelet turned its Ready condition False.
 */
export function isAvailable(pod: V1Pod): boolean {
  return isReady(pod) && gateStatus(pod) === 'True' && !isDeleting(pod) && !isDraining(pod);
}

/**
 * Whether a container status image is the spec image. Runtimes report normalized references
 * (`docker.io/library/nginx:latest` for `nginx`), so both sides are normalized first.
 */
export function sameImage(specImage: string, statusImage: string): boolean {
  return specImage === statusImage || normalizeImage(specImage) === normalizeImage(statusImage);
}

function normalizeImage(ref: string): string {
  let name = ref;
  let suffix = '';
  const at = name.indexOf('@');
  if (at >= 0) {
    suffix = name.slice(at);
    name = name.slice(0, at);
  }
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon <= slash && suffix === '') suffix = ':latest';
  const first = name.split('/')[0] ?? '';
  const hasRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) name = name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
  return name + suffix;
}

/** The controller owner reference UID of a pod (or any object), if any. */
export function controllerUid(obj: { metadata?: { ownerReferences?: Array<{ controller?: boolean; uid: string }> } }): string | undefined {
  return obj.metadata?.ownerReferences?.find((o) => o.controller)?.uid;
}

/**
 * What the kubelet will compute for Ready once the traffic gate is True, when that is certain from the pod's
 * own status: every container runs its spec image and is ready, the kubelet already says ContainersReady=True,
 * and every other readiness gate of the spec is True. The admit then writes Ready=True itself (guarded by the
 * pod's resourceVersion), so the kubelet has nothing left to write and the EndpointSlices list the pod ready
 * one status sync earlier. Any doubt (a gate of someone else not True, the kubelet not yet agreeing that the
 * containers are ready) leaves Ready to the kubelet.
 */
export function readyOnceAdmitted(pod: V1Pod): boolean {
  if (!containersReadyOnSpec(pod) || condition(pod, 'ContainersReady') !== 'True' || isReady(pod)) return false;
  const others = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType).filter((t) => t !== KEYS.gate);
  return others.every((t) => condition(pod, t) === 'True');
}
