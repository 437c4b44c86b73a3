import type { V1Pod } from '@kubernetes/client-node';
import type { SidecarSet } from '../../api/release/sidecarset.js';
import { KEYS } from '../keys.js';
import { drainState } from '../pod/drain.js';
import { containersReadyOnSpec, gateStatus, heldBy, isDeleting, isDraining } from '../pod/state.js';
import { sidecarSetHash } from './hash.js';
import { SIDECAR_KEYS } from './inject.js';
import { injectedHashes } from './status.js';
import { sidecarsSettled } from './upgrade.js';

/** One write the SidecarSet upgrade makes to a pod. */
export type SidecarAction =
  /** Mark the pod held by this set (held-by annotation), then take it out of traffic (the release's drain write). */
  | { kind: 'start'; pod: V1Pod }
  /** Held by this set, its gate not False yet (a restart between the two writes): the drain write. */
  | { kind: 'drain'; pod: V1Pod }
  /** Out of every EndpointSlice for drainSeconds (or it has no traffic gate): the sidecar images and the hash, in place. */
  | { kind: 'change'; pod: V1Pod }
  /** Its containers, sidecars included, run ready on their spec images: gate True, then the hold removed. */
  | { kind: 'admit'; pod: V1Pod; release: boolean };

export interface SidecarDrainInput {
  set: SidecarSet;
  /** The injected pods (any set). */
  pods: readonly V1Pod[];
  inTraffic: (pod: V1Pod) => boolean;
  drainSeconds: number;
  now: Date;
}

export interface SidecarDrainPlan {
  /** Writes for pods already in the upgrade (held) and admits of new pods; never starts a batch. */
  actions: SidecarAction[];
  /** The pods the next batch would start with, when no pod of the set is in flight (else empty). */
  next: V1Pod[];
  /** Pods of the current batch not done yet (held by the set, or changed without a gate and not settled). */
  inFlight: number;
  /** Pods on another hash of the set (including `next` and those in flight). */
  behind: number;
  /** The earliest drain timer to come back for. */
  waitMs: number | undefined;
  /** Why pods wait, one line per reason. */
  waiting: string[];
}

/** The held-by value of a SidecarSet's upgrade. */
export function sidecarHolder(set: Pick<SidecarSet, 'metadata'>): string {
  return `sidecarset/${set.metadata.name ?? ''}`;
}

/** The pod carries the traffic readiness gate (it was created with it: by the webhook or a CellDeployment). */
export function hasTrafficGate(pod: V1Pod): boolean {
  return (pod.spec?.readinessGates ?? []).some((g) => g.conditionType === KEYS.gate);
}

/** Every container of the pod runs ready on its spec image: the application's and the sidecars of the set. */
function allSettled(set: SidecarSet, pod: V1Pod): boolean {
  return containersReadyOnSpec(pod) && sidecarsSettled(set, pod);
}

/**
 * Pure: the SidecarSet upgrade's next writes, the release's lossless sequence applied to a sidecar. Per pod:
 * held by the set (held-by annotation) → gate False (drain) → once no EndpointSlice lists it ready or serving
 * and drainSeconds passed (drainState, the release's own) the sidecar image changes in place → once every
 * container runs ready on its spec image, gate True and the hold removed. Batches: the next `batchSize` pods on
 * another hash (name order) start only when no pod of the set is in flight; the caller runs the ReleasePolicy
 * checks at that boundary and starts `next` only if they pass and the set is not paused.
 *
 * Every decision comes from the pods themselves (annotations, conditions, statuses), so a controller killed
 * between any two writes decides the same on restart. Pods held by someone else (another set) or drained by
 * their release wait; a pod without the traffic gate (injected before the webhook added it) cannot be taken
 * out of the EndpointSlices, so it is changed in place without a drain, as before.
 *
 * Pods whose gate the webhook added (SIDECAR_KEYS.gate) and that nobody holds are admitted once their
 * containers run ready: nobody else sets the gate of a Deployment's pod.
 */
export function planSidecarDrain(input: SidecarDrainInput): SidecarDrainPlan {
  const { set } = input;
  const name = set.metadata.name ?? '';
  const hash = sidecarSetHash(set);
  const holder = sidecarHolder(set);
  const live = input.pods
    .filter((p) => !isDeleting(p) && injectedHashes(p)[name] !== undefined)
    .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : (a.metadata?.name ?? '') > (b.metadata?.name ?? '') ? 1 : 0));
  const plan: SidecarDrainPlan = { actions: [], next: [], inFlight: 0, behind: 0, waitMs: undefined, waiting: [] };
  const candidates: V1Pod[] = [];
  let busy = 0;
  for (const pod of live) {
    const behind = injectedHashes(pod)[name] !== hash;
    if (behind) plan.behind++;
    const held = heldBy(pod);
    if (held === holder) {
      plan.inFlight++;
      if (behind) {
        const state = drainState(pod, input.inTraffic(pod), input.drainSeconds, input.now);
        if (state.step === 'start') plan.actions.push({ kind: 'drain', pod });
        else if (state.step === 'drained') plan.actions.push({ kind: 'change', pod });
        else if (state.ms !== undefined) plan.waitMs = Math.min(plan.waitMs ?? Infinity, state.ms);
      } else if (allSettled(set, pod)) plan.actions.push({ kind: 'admit', pod, release: true });
      continue;
    }
    if (held !== undefined) {
      if (behind) busy++;
      continue;
    }
    if (!hasTrafficGate(pod) && !behind && !sidecarsSettled(set, pod)) {
      plan.inFlight++;
      continue;
    }
    // Nobody holds it: a pod whose gate the webhook added is put in traffic once it runs ready.
    const gateOut = gateStatus(pod) !== 'True' || isDraining(pod);
    if (pod.metadata?.annotations?.[SIDECAR_KEYS.gate] === 'true' && hasTrafficGate(pod) && gateOut && allSettled(set, pod)) {
      plan.actions.push({ kind: 'admit', pod, release: false });
      continue;
    }
    if (!behind) continue;
    // Drained by its release (a CellDeployment batch): the release puts it back first.
    if (isDraining(pod)) busy++;
    else candidates.push(pod);
  }
  if (busy > 0) plan.waiting.push(`${busy} pod(s) held or drained by another controller wait for it to finish`);
  if (plan.inFlight === 0) plan.next = candidates.slice(0, Math.max(1, set.spec.updateStrategy?.batchSize ?? 1));
  return plan;
}
