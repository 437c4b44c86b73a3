import type { V1Node, V1Taint, V1Toleration } from '@kubernetes/client-node';

/**
 * Whether a node can take new pods of a template: not cordoned, Ready, and every NoSchedule/NoExecute taint
 * tolerated by the template's tolerations (Kubernetes' matching rules: empty key with Exists matches every key;
 * empty effect matches every effect; Equal compares values).
 */
export function schedulable(node: V1Node, tolerations: readonly V1Toleration[]): boolean {
  if (node.spec?.unschedulable) return false;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  if (!ready) return false;
  return (node.spec?.taints ?? []).every((t) => t.effect === 'PreferNoSchedule' || tolerations.some((tol) => tolerates(tol, t)));
}

function tolerates(tol: V1Toleration, taint: V1Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (!tol.key) return tol.operator === 'Exists';
  if (tol.key !== taint.key) return false;
  return tol.operator === 'Exists' || (tol.value ?? '') === (taint.value ?? '');
}

/** The units (in the given order) in which no node carrying `unitKey=<unit>` can take new pods. */
export function unitsWithoutSchedulableNodes(
  units: readonly string[],
  unitKey: string,
  nodes: readonly V1Node[],
  tolerations: readonly V1Toleration[],
): string[] {
  const ok = new Set<string>();
  for (const n of nodes) {
    const unit = n.metadata?.labels?.[unitKey];
    if (unit !== undefined && !ok.has(unit) && schedulable(n, tolerations)) ok.add(unit);
  }
  return units.filter((u) => !ok.has(u));
}
