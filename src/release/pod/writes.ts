import type { V1Pod } from '@kubernetes/client-node';
import { isConflict, isNotFound } from '../../kube/api-error.js';
import { rfc3339 } from '../../kube/clock.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace, type ResourceRef } from '../../kube/resource.js';
import { FIELD_MANAGER, KEYS, RES } from '../keys.js';
import { readyOnceAdmitted, readyTrueSince } from './state.js';

/**
 * The two traffic writes of the lossless pod sequence (drain, admit), one request each, shared by the
 * CellDeployment controller and the SidecarSet upgrade. Each returns the pod as the API server stored it (for
 * the version expectations), or undefined when the pod is already gone.
 */

function podsIn(pod: V1Pod): ResourceRef {
  return inNamespace(RES.pods, pod.metadata?.namespace);
}

/** The write's result, or undefined when the pod is gone (404). */
export async function orGone<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Takes the pod out of traffic: the gate condition False and the drain annotation (the drain timer's start)
 * in one pods/status patch. The API server keeps metadata changes made through pods/status (only spec,
 * ownerReferences and deletionTimestamp are reset), so one write suffices; if a server ever drops the
 * annotation, a second patch sets it.
 *
 * A Ready pod also gets Ready=False in the same patch: with its gate False the kubelet computes the same
 * (Ready is containers ready AND every readiness gate True), so it has nothing to write, and the
 * EndpointSlice controller sees the pod leave at once instead of after the kubelet's next status sync. The
 * Ready condition's lastTransitionTime before the drain goes into the ready-since annotation (see drainState).
 */
export async function drainPod(client: KubeClient, pod: V1Pod, now: Date, why: string, signal: AbortSignal): Promise<V1Pod | undefined> {
  const started = now.toISOString();
  const readyMs = readyTrueSince(pod);
  const readySince = readyMs !== undefined ? new Date(readyMs).toISOString() : undefined;
  const gate = { type: KEYS.gate, status: 'False', reason: 'Draining', message: why, lastTransitionTime: rfc3339(now) };
  const ready = {
    type: 'Ready',
    status: 'False',
    reason: 'ReadinessGatesNotReady',
    message: `the status of pod readiness gate "${KEYS.gate}" is not "True", but False`,
    lastTransitionTime: rfc3339(now),
  };
  const patch = {
    metadata: { annotations: { [KEYS.drainStarted]: started, ...(readySince !== undefined ? { [KEYS.readySince]: readySince } : {}) } },
    status: { conditions: readySince !== undefined ? [gate, ready] : [gate] },
  };
  const out = await orGone(client.patch<V1Pod>(podsIn(pod), pod.metadata?.name ?? '', patch, 'strategic', { subresource: 'status', fieldManager: FIELD_MANAGER, signal }));
  if (out && out.metadata?.annotations?.[KEYS.drainStarted] === undefined) {
    return orGone(client.patch<V1Pod>(podsIn(pod), pod.metadata?.name ?? '', { metadata: patch.metadata }, 'strategic', { fieldManager: FIELD_MANAGER, signal }));
  }
  return out;
}

/**
 * Puts the pod (back) into traffic: gate True and the drain annotation removed, in one pods/status patch.
 *
 * When the pod's status already shows everything the kubelet needs to call it Ready (readyOnceAdmitted), the
 * patch also writes Ready=True, as the kubelet would compute it, and carries the pod's resourceVersion as a
 * precondition: if the status changed since it was read (a container stopped, a probe failed), the server
 * refuses the patch and the gate alone is written, leaving Ready to the kubelet. See ADR 0011.
 */
export async function admitPod(client: KubeClient, pod: V1Pod, now: Date, signal: AbortSignal): Promise<V1Pod | undefined> {
  const hasAnnotation = pod.metadata?.annotations?.[KEYS.drainStarted] !== undefined;
  const clear = { [KEYS.drainStarted]: null, ...(pod.metadata?.annotations?.[KEYS.readySince] !== undefined ? { [KEYS.readySince]: null } : {}) };
  const gate = { type: KEYS.gate, status: 'True', reason: 'Serving', message: 'containers ready; in traffic', lastTransitionTime: rfc3339(now) };
  const base = { ...(hasAnnotation ? { metadata: { annotations: clear } } : {}), status: { conditions: [gate] } };
  const name = pod.metadata?.name ?? '';
  const send = (body: object): Promise<V1Pod | undefined> =>
    orGone(client.patch<V1Pod>(podsIn(pod), name, body, 'strategic', { subresource: 'status', fieldManager: FIELD_MANAGER, signal }));
  let out: V1Pod | undefined;
  const rv = pod.metadata?.resourceVersion;
  if (rv !== undefined && readyOnceAdmitted(pod)) {
    const ready = { type: 'Ready', status: 'True', reason: null, message: null, lastTransitionTime: rfc3339(now) };
    try {
      out = await send({ metadata: { ...base.metadata, resourceVersion: rv }, status: { conditions: [gate, ready] } });
    } catch (err) {
      if (!isConflict(err)) throw err;
      out = await send(base);
    }
  } else out = await send(base);
  if (out && hasAnnotation && out.metadata?.annotations?.[KEYS.drainStarted] !== undefined) {
    return orGone(client.patch<V1Pod>(podsIn(pod), name, { metadata: { annotations: clear } }, 'strategic', { fieldManager: FIELD_MANAGER, signal }));
  }
  return out;
}

