import type { V1Pod } from '@kubernetes/client-node';
import type { SidecarSet } from '../../api/release/sidecarset.js';
import { errorMessage } from '../../errors/index.js';
import { isNotFound } from '../../kube/api-error.js';
import type { EventRecorder } from '../../kube/events.js';
import type { KubeClient } from '../../kube/http.js';
import type { Logger } from '../../kube/log.js';
import { inNamespace, ref } from '../../kube/resource.js';
import { DEFAULT_DRAIN_SECONDS, FIELD_MANAGER, KEYS, RELEASE_API_VERSION } from '../keys.js';
import { inTraffic, type EndpointSliceLike } from '../pod/endpoints.js';
import { admitPod, drainPod, orGone } from '../pod/writes.js';
import type { SidecarChecks } from './checks.js';
import { hasTrafficGate, planSidecarDrain, sidecarHolder } from './drain-plan.js';
import { sidecarSetHash } from './hash.js';
import { injectedHashes } from './status.js';
import { upgradePatch } from './upgrade.js';

const PODS = ref('v1', 'pods');
const SIDECAR_SETS = ref(RELEASE_API_VERSION, 'sidecarsets');
/** Slack added to drain timers (the API stores whole seconds). */
const TIMER_SLACK_MS = 50;

export interface SidecarSyncDeps {
  client: KubeClient;
  checks: SidecarChecks;
  events: EventRecorder;
  slicesOf: (pod: V1Pod) => readonly EndpointSliceLike[];
  log: Logger;
  signal: AbortSignal;
  now?: Date;
}

export interface SidecarSyncResult {
  /** Come back after this long (undefined: only on events). */
  requeueAfterMs: number | undefined;
  /** The state of the upgrade, for the set's `Upgrading` condition. */
  condition: { status: 'True' | 'False'; reason: string; message: string };
  /** A check failed: pause the set (pauseSidecarSet) once the condition naming the check is written. */
  pause?: boolean;
}

/**
 * One step of a SidecarSet's in-place upgrade through the lossless sequence (planSidecarDrain): the writes for
 * pods in flight, and at a batch boundary the ReleasePolicy checks then the next batch. A failed check pauses the
 * set (spec.updateStrategy.paused: true) with a Warning Event `CheckFailed` naming the check.
 */
export async function syncSidecarUpgrade(deps: SidecarSyncDeps, set: SidecarSet, pods: readonly V1Pod[]): Promise<SidecarSyncResult> {
  const { client, signal, log } = deps;
  const now = deps.now ?? new Date();
  const drainSeconds = set.spec.updateStrategy?.drainSeconds ?? DEFAULT_DRAIN_SECONDS;
  const plan = planSidecarDrain({ set, pods, inTraffic: (p) => inTraffic(p, deps.slicesOf(p)), drainSeconds, now });
  const name = set.metadata.name ?? '';
  const holder = sidecarHolder(set);
  const failures: string[] = [];
  const attempt = async (pod: V1Pod, what: string, write: () => Promise<unknown>): Promise<void> => {
    try {
      await write();
    } catch (err) {
      failures.push(`pod ${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}: ${what} failed: ${errorMessage(err)}`);
    }
  };
  for (const a of plan.actions) {
    const pod = a.pod;
    if (a.kind === 'drain') await attempt(pod, 'drain', () => drainPod(client, pod, now, `taken out of traffic to update the sidecars of SidecarSet ${name}`, signal));
    else if (a.kind === 'change') await attempt(pod, 'sidecar image', () => changeSidecars(client, set, pod, log, signal));
    else if (a.kind === 'admit') {
      await attempt(pod, 'admit', async () => {
        const out = await admitPod(client, pod, now, signal);
        if (out && a.release) await release(client, out, signal);
      });
    }
  }
  if (failures.length > 0) log.warn({ set: name, failures }, 'sidecar upgrade writes failed; retrying');

  const paused = set.spec.updateStrategy?.paused === true;
  let requeue = plan.waitMs !== undefined ? plan.waitMs + TIMER_SLACK_MS : undefined;
  const soon = (ms: number): void => {
    requeue = Math.min(requeue ?? Infinity, ms);
  };
  if (plan.inFlight > 0 || failures.length > 0) soon(1000);
  if (plan.behind === 0 && plan.inFlight === 0) return { requeueAfterMs: requeue, condition: { status: 'False', reason: 'Updated', message: 'every pod runs the current sidecars' } };
  if (plan.inFlight > 0) return { requeueAfterMs: requeue, condition: { status: 'True', reason: 'Updating', message: `${plan.inFlight} pod(s) in flight, ${plan.behind} behind` } };
  if (paused) {
    // A pause the checks made keeps saying which check failed.
    const prev = set.status?.conditions?.find((c) => c.type === 'Upgrading');
    if (prev?.reason === 'CheckFailed') return { requeueAfterMs: requeue, condition: { status: 'False', reason: prev.reason, message: prev.message } };
    return { requeueAfterMs: requeue, condition: { status: 'False', reason: 'Paused', message: `paused with ${plan.behind} pod(s) behind (spec.updateStrategy.paused)` } };
  }
  if (plan.next.length === 0) {
    soon(2000);
    return { requeueAfterMs: requeue, condition: { status: 'True', reason: 'Waiting', message: plan.waiting.join('; ') || 'waiting for pods to settle' } };
  }

  // A batch boundary: the checks of the batch that finished and of the next one.
  const hash = sidecarSetHash(set);
  const done = pods.filter((p) => injectedHashes(p)[name] === hash && !p.metadata?.deletionTimestamp);
  const verdict = await deps.checks.atBoundary({ set, done, next: plan.next, boundary: done.length, now, signal });
  if (verdict.result === 'Failed') {
    deps.events.event(set, 'Warning', 'CheckFailed', `check ${verdict.check} failed: ${verdict.message}; the sidecar upgrade is paused (set spec.updateStrategy.paused to false to resume)`);
    log.warn({ set: name, check: verdict.check, message: verdict.message }, 'sidecar upgrade paused by a failed check');
    return { requeueAfterMs: requeue, pause: true, condition: { status: 'False', reason: 'CheckFailed', message: `check ${verdict.check} failed: ${verdict.message}` } };
  }
  if (verdict.result !== 'Passed') {
    soon(verdict.retryAfterMs);
    return { requeueAfterMs: requeue, condition: { status: 'True', reason: verdict.result === 'Blocked' ? 'Blocked' : 'Checking', message: `${verdict.check}: ${verdict.message}` } };
  }
  for (const pod of plan.next) {
    if (!hasTrafficGate(pod)) {
      // Injected before the webhook added the traffic gate: it cannot be taken out of the EndpointSlices.
      await attempt(pod, 'sidecar image (no traffic gate)', () => changeSidecars(client, set, pod, log, signal));
      continue;
    }
    await attempt(pod, 'start', async () => {
      const held = await hold(client, pod, holder, signal);
      if (held) await drainPod(client, held, now, `taken out of traffic to update the sidecars of SidecarSet ${name}`, signal);
    });
  }
  log.info({ set: name, pods: plan.next.map((p) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`) }, 'sidecar upgrade batch started');
  soon(drainSeconds * 1000 + TIMER_SLACK_MS);
  return { requeueAfterMs: requeue, condition: { status: 'True', reason: 'Updating', message: `batch of ${plan.next.length} pod(s) started, ${plan.behind} behind` } };
}

/** The held-by annotation, guarded by the pod's resourceVersion (a pod that changed since it was read is planned again). */
function hold(client: KubeClient, pod: V1Pod, holder: string, signal: AbortSignal): Promise<V1Pod | undefined> {
  const body = { metadata: { resourceVersion: pod.metadata?.resourceVersion, annotations: { [KEYS.heldBy]: holder } } };
  return orGone(client.patch<V1Pod>(inNamespace(PODS, pod.metadata?.namespace), pod.metadata?.name ?? '', body, 'merge', { fieldManager: FIELD_MANAGER, signal }));
}

/** Removes the held-by annotation once the pod is back in traffic. */
function release(client: KubeClient, pod: V1Pod, signal: AbortSignal): Promise<V1Pod | undefined> {
  return orGone(client.patch<V1Pod>(inNamespace(PODS, pod.metadata?.namespace), pod.metadata?.name ?? '', { metadata: { annotations: { [KEYS.heldBy]: null } } }, 'merge', { fieldManager: FIELD_MANAGER, signal }));
}

async function changeSidecars(client: KubeClient, set: SidecarSet, pod: V1Pod, log: Logger, signal: AbortSignal): Promise<void> {
  await orGone(client.patch(inNamespace(PODS, pod.metadata?.namespace), pod.metadata?.name ?? '', upgradePatch(set, pod), 'json', { signal }));
  log.info({ set: set.metadata.name, pod: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}` }, 'sidecar updated in place');
}

/**
 * spec.updateStrategy.paused: true, guarded by the set's generation (a spec changed since the checks ran is
 * checked again instead of paused).
 */
export async function pauseSidecarSet(client: KubeClient, set: SidecarSet, log: Logger, signal: AbortSignal): Promise<void> {
  const strategy = { batchSize: 1, ...(set.spec.updateStrategy ?? {}), paused: true };
  const patch = [
    { op: 'test', path: '/metadata/generation', value: set.metadata.generation },
    { op: 'add', path: '/spec/updateStrategy', value: strategy },
  ];
  try {
    await client.patch(SIDECAR_SETS, set.metadata.name ?? '', patch, 'json', { fieldManager: FIELD_MANAGER, signal });
  } catch (err) {
    if (!isNotFound(err)) log.warn({ set: set.metadata.name, err: errorMessage(err) }, 'could not pause the SidecarSet; the checks run again');
  }
}
