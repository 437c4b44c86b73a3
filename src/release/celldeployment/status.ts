import type { V1Pod } from '@kubernetes/client-node';
import type { CellDeployment, CellDeploymentStatusT } from '../../api/index.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace } from '../../kube/resource.js';
import { selectorString } from '../../kube/selector-string.js';
import { clipMessage, setCondition, writeStatus, type Condition } from '../../kube/status.js';
import { formatProblems, summarizeReleaseOrder, type Problem } from '../plan/index.js';
import { RES } from '../keys.js';
import { asKube } from '../informers.js';
import { gateStatus, isDeleting, isReady, podRevision, podUnit } from '../pod/state.js';
import type { ReleaseView } from '../view.js';

type Phase = NonNullable<CellDeploymentStatusT['phase']>;
type StatusCondition = NonNullable<CellDeploymentStatusT['conditions']>[number];

export interface StatusInput {
  cd: CellDeployment;
  pods: readonly V1Pod[];
  view: ReleaseView;
  targets: ReadonlyMap<string, number>;
  topologyProblems: readonly Problem[];
  /** Units without a schedulable node. */
  unschedulable: readonly string[];
  /** Writes that failed in this reconcile. */
  failures: readonly string[];
  /** Why the release waits (capacity, pause, missing template). */
  waiting: readonly string[];
  now: Date;
}



/** Every unit runs its target count of live pods, all on the target revision, Ready and in traffic; nothing is being deleted. */
export function settled(pods: readonly V1Pod[], targets: ReadonlyMap<string, number>, target: string): boolean {
  const perUnit = new Map<string, number>();
  for (const p of pods) {
    if (isDeleting(p)) return false;
    if (podRevision(p) !== target || !isReady(p) || gateStatus(p) !== 'True') return false;
    perUnit.set(podUnit(p), (perUnit.get(podUnit(p)) ?? 0) + 1);
  }
  for (const [unit, n] of perUnit) if (targets.get(unit) !== n) return false;
  for (const [unit, n] of targets) if ((perUnit.get(unit) ?? 0) !== n) return false;
  return true;
}

/** The CellDeployment's phase, from its current order (if any) and its pods. */
export function phaseOf(input: Pick<StatusInput, 'pods' | 'view' | 'targets'>): Phase {
  const { view } = input;
  const done = settled(input.pods, input.targets, view.target);
  const order = view.order;
  if (!order) return done ? 'Completed' : 'Progressing';
  switch (order.status?.phase ?? 'Pending') {
    case 'Completed':
      return done ? 'Completed' : 'Progressing';
    case 'RolledBack':
    case 'Failed':
      return 'Failed';
    case 'RollingBack':
      return 'RollingBack';
    case 'WaitingForConfirm':
      return view.paused ? 'Paused' : 'WaitingForConfirm';
    case 'Blocked':
      return 'Blocked';
    case 'Paused':
      return 'Paused';
    default:
      return view.paused ? 'Paused' : 'Progressing';
  }
}

function cond(type: string, ok: boolean, reason: string, message: string): Condition {
  return { type, status: ok ? 'True' : 'False', reason, message: clipMessage(message) };
}

/**
 * Pure: the status the CellDeployment should have. `previous` keeps conditions' lastTransitionTime when
 * their status did not change.
 */
export function computeStatus(input: StatusInput, previous: CellDeploymentStatusT | undefined): CellDeploymentStatusT {
  const { cd, view } = input;
  const live = input.pods.filter((p) => !isDeleting(p));
  const units = [...input.targets.keys()].map((name) => {
    const inUnit = live.filter((p) => podUnit(p) === name);
    return {
      name,
      replicas: inUnit.length,
      readyReplicas: inUnit.filter(isReady).length,
      updatedReplicas: inUnit.filter((p) => podRevision(p) === view.updateRevision).length,
    };
  });
  const phase = phaseOf(input);
  const conditions: Condition[] = [
    input.topologyProblems.length === 0
      ? cond('TopologyValid', true, 'Valid', 'units and unitReplicas are consistent with replicas')
      : cond('TopologyValid', false, 'InvalidTopology', formatProblems(input.topologyProblems)),
    input.unschedulable.length === 0
      ? cond('UnitsSchedulable', true, 'NodesAvailable', 'every unit has a schedulable node')
      : cond(
          'UnitsSchedulable',
          false,
          'NoSchedulableNodes',
          `no schedulable node with ${cd.spec.topology.unitKey} in unit(s) ${input.unschedulable.join(', ')}: their new pods stay Pending; nothing is deleted because of it`,
        ),
    input.failures.length === 0
      ? cond('ReplicaFailure', false, 'NoFailures', 'the last writes succeeded')
      : cond('ReplicaFailure', true, 'WriteFailed', input.failures.join('; ')),
    releasedCondition(phase, input),
  ];
  const stalled = stalledCondition(view, previous);
  if (stalled) conditions.push(stalled);
  let list: Condition[] = (previous?.conditions ?? []);
  for (const c of conditions) list = setCondition(list, c, input.now);
  return {
    observedGeneration: cd.metadata.generation,
    replicas: live.length,
    readyReplicas: live.filter(isReady).length,
    updatedReplicas: live.filter((p) => podRevision(p) === view.updateRevision).length,
    currentRevision: phase === 'Completed' ? view.target : view.currentRevision,
    updateRevision: view.updateRevision,
    units,
    phase,
    ...(view.latest?.metadata.name ? { releaseOrder: view.latest.metadata.name } : {}),
    selector: selectorString(cd.spec.selector),
    conditions: list as StatusCondition[],
  };
}

/**
 * The current order's Stalled condition, shown on the CellDeployment too (where `kubectl get cd` users look);
 * False once the order has none any more (a new order, or none) after it was True here.
 */
function stalledCondition(view: ReleaseView, previous: CellDeploymentStatusT | undefined): Condition | undefined {
  const fromOrder = view.order?.status?.conditions?.find((c) => c.type === 'Stalled');
  if (fromOrder) return cond('Stalled', fromOrder.status === 'True', fromOrder.reason, fromOrder.message);
  const before = previous?.conditions?.find((c) => c.type === 'Stalled');
  if (before?.status !== 'True') return undefined;
  return cond('Stalled', false, 'NoStalledRelease', 'no release of this CellDeployment is stalled');
}

function releasedCondition(phase: Phase, input: StatusInput): Condition {
  const { view } = input;
  if (phase === 'Completed') {
    return cond('Released', true, 'Completed', `every pod runs revision ${view.target}`);
  }
  const parts: string[] = [];
  if (view.order) parts.push(summarizeReleaseOrder(view.order));
  else parts.push(`scaling to ${[...input.targets.values()].reduce((a, b) => a + b, 0)} pods at revision ${view.target}`);
  if (view.order?.status?.phase === 'RolledBack') {
    parts.push(`the pods run revision ${view.order.spec.fromRevision}; change spec.template to release again`);
  }
  parts.push(...input.waiting);
  const reason = view.order?.status?.phase === 'RolledBack' ? 'RolledBack' : phase;
  return cond('Released', false, reason, parts.join('; '));
}

/** Writes the status if it changed (conflicts re-read the object and recompute). */
export async function writeCellDeploymentStatus(client: KubeClient, input: StatusInput, signal: AbortSignal): Promise<boolean> {
  const res = await writeStatus({
    client,
    resource: inNamespace(RES.cellDeployments, input.cd.metadata.namespace),
    name: input.cd.metadata.name ?? '',
    current: asKube(input.cd),
    desired: (obj) => {
      const fresh = obj as unknown as CellDeployment;
      // After a conflict `fresh` may be a newer generation than the pods, view and targets were computed
      // for: the status must not claim to have observed it (a stale Completed would then look current).
      return { ...computeStatus({ ...input, cd: fresh }, fresh.status), observedGeneration: input.cd.metadata.generation };
    },
    signal,
  });
  return res.changed;
}
