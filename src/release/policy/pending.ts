import type { V1Pod } from '@kubernetes/client-node';
import { isDeleting, podName } from '../pod/state.js';

export interface PendingVerdict {
  /** Pods of the batch Pending for at least the timeout, with how long and why (scheduler message). */
  stuck: Array<{ name: string; seconds: number; reason: string }>;
  /** When the next Pending pod reaches the timeout (ms from now); undefined when none is Pending. */
  nextInMs: number | undefined;
}

/** Since when a pod has been Pending: its PodScheduled=False transition, else its creation. */
function pendingSince(pod: V1Pod): number | undefined {
  const sched = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  const t = sched?.lastTransitionTime ?? pod.metadata?.creationTimestamp;
  if (t === undefined) return undefined;
  const ms = new Date(t).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

function pendingReason(pod: V1Pod): string {
  const sched = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (sched) return [sched.reason, sched.message].filter(Boolean).join(': ') || 'not scheduled';
  const waiting = pod.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting;
  return waiting ? [waiting.reason, waiting.message].filter(Boolean).join(': ') : 'containers not started';
}

/**
 * Pure: which of the batch's pods have been Pending (phase Pending, not being deleted) for at least
 * `timeoutSeconds`, and when to look again for the others.
 */
export function stuckPending(pods: readonly V1Pod[], batchPods: readonly string[], timeoutSeconds: number, now: Date): PendingVerdict {
  const names = new Set(batchPods);
  const out: PendingVerdict = { stuck: [], nextInMs: undefined };
  for (const p of pods) {
    if (!names.has(podName(p)) || isDeleting(p) || (p.status?.phase ?? 'Pending') !== 'Pending') continue;
    const since = pendingSince(p) ?? now.getTime();
    const left = since + timeoutSeconds * 1000 - now.getTime();
    if (left <= 0) out.stuck.push({ name: podName(p), seconds: Math.floor((now.getTime() - since) / 1000), reason: pendingReason(p) });
    else out.nextInMs = Math.min(out.nextInMs ?? left, left);
  }
  out.stuck.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}
