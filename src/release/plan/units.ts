import type { CellDeploymentSpecT } from '../../api/index.js';
import { deletionOrder, type PodInfo } from './pods.js';
import type { Problem } from './problem.js';

/** The part of a CellDeployment spec that decides how many pods each unit gets. */
export type UnitSpec = Pick<CellDeploymentSpecT, 'replicas' | 'topology'>;

/**
 * How many pods each unit should run, in `topology.units` order (a Map keeps that order).
 *
 * Rules:
 *  - Units named in `topology.unitReplicas` get exactly that many pods.
 *  - The rest (`replicas` minus the fixed counts) is spread evenly over the other units; when it does not
 *    divide evenly, the first units in listed order get one pod more. So 5 pods over [a, b, c] are 2, 2, 1.
 *  - With more units than pods, the last units get 0.
 *  - When every unit is fixed and the fixed counts add up to less than `replicas`, the targets are the fixed
 *    counts (fewer pods than `replicas`): the controller must surface {@link topologyProblems} as a condition.
 *  - Defensive, for API servers that do not enforce the CRD's CEL rules (before 1.25): fixed counts above
 *    `replicas` are honoured in listed order until `replicas` is used up; unitReplicas entries for units not in
 *    `units`, or that are not whole numbers >= 0, are ignored; duplicate units count once. Each of these is
 *    also reported by {@link topologyProblems}.
 */
export function unitTargets(spec: UnitSpec): Map<string, number> {
  return planUnits(spec).targets;
}

/** Everything wrong with the topology of a spec; empty when {@link unitTargets} gives exactly `replicas` pods as written. */
export function topologyProblems(spec: UnitSpec): Problem[] {
  return planUnits(spec).problems;
}

interface UnitPlan {
  targets: Map<string, number>;
  problems: Problem[];
}

function planUnits(spec: UnitSpec): UnitPlan {
  const problems: Problem[] = [];
  const units = uniqueUnits(spec.topology.units, problems);
  const targets = new Map<string, number>(units.map((u) => [u, 0]));
  if (units.length === 0) {
    problems.push({ field: 'spec.topology.units', message: 'no units are listed; list at least one unit' });
  }
  if (!Number.isInteger(spec.replicas) || spec.replicas < 0) {
    problems.push({ field: 'spec.replicas', message: `replicas must be a whole number >= 0, not ${String(spec.replicas)}` });
    return { targets, problems };
  }

  const fixed = fixedCounts(spec, new Set(units), problems);
  let left = spec.replicas;
  for (const unit of units) {
    const n = fixed.get(unit);
    if (n === undefined) continue;
    const take = Math.min(n, left);
    targets.set(unit, take);
    left -= take;
  }
  const fixedSum = [...fixed.values()].reduce((a, b) => a + b, 0);
  if (fixedSum > spec.replicas) {
    problems.push({
      field: 'spec.topology.unitReplicas',
      message: `unitReplicas add up to ${fixedSum}, more than replicas (${spec.replicas}); lower them or raise replicas`,
    });
  }

  const free = units.filter((u) => !fixed.has(u));
  if (free.length === 0) {
    if (left > 0 && units.length > 0) {
      problems.push({
        field: 'spec.topology.unitReplicas',
        message:
          `every unit has a fixed count and they add up to ${spec.replicas - left}, ${left} short of replicas (${spec.replicas}); ` +
          'raise a unit\'s count, remove one unit from unitReplicas, or lower replicas',
      });
    }
    return { targets, problems };
  }
  const base = Math.floor(left / free.length);
  const extra = left % free.length;
  free.forEach((u, i) => targets.set(u, base + (i < extra ? 1 : 0)));
  return { targets, problems };
}

function uniqueUnits(units: readonly string[], problems: Problem[]): string[] {
  const seen = new Set<string>();
  for (const u of units) {
    if (seen.has(u)) {
      problems.push({ field: 'spec.topology.units', message: `unit "${u}" is listed more than once; list each unit once` });
    }
    seen.add(u);
  }
  return [...seen];
}

function fixedCounts(spec: UnitSpec, units: ReadonlySet<string>, problems: Problem[]): Map<string, number> {
  const fixed = new Map<string, number>();
  for (const [unit, n] of Object.entries(spec.topology.unitReplicas ?? {})) {
    const field = `spec.topology.unitReplicas.${unit}`;
    if (!units.has(unit)) {
      problems.push({ field, message: `unit "${unit}" is not listed in spec.topology.units; add it there or remove it here` });
    } else if (!Number.isInteger(n) || n < 0) {
      problems.push({ field, message: `must be a whole number >= 0, not ${String(n)}` });
    } else {
      fixed.set(unit, n);
    }
  }
  return fixed;
}

/** What the scale step must do to reach the unit targets. */
export interface ScalePlan {
  /** Pods to create per unit (only units that need some), in target order. */
  create: Map<string, number>;
  /** Names of pods to delete, in the order to delete them. */
  delete: string[];
}

/**
 * Compares the live pods with the unit targets and says what to create and delete.
 *
 *  - Pods already deleting are ignored: they neither count towards a unit nor get deleted again
 *    (ReplicaSet does the same, so a replacement is created while the old pod terminates).
 *  - Pods in a unit that has no target (removed from the topology, or without a unit label) are all deleted.
 *  - In a unit with too many pods, the surplus is chosen with {@link deletionOrder}: not-ready first, then pods
 *    not on `updateRevision`, then the newest.
 *  - `delete` lists pods of unknown units first, then unit by unit in target order.
 */
export function scalePlan(pods: readonly PodInfo[], targets: ReadonlyMap<string, number>, updateRevision: string): ScalePlan {
  const byUnit = new Map<string, PodInfo[]>();
  const orphans: PodInfo[] = [];
  for (const pod of pods) {
    if (pod.deleting) continue;
    const list = byUnit.get(pod.unit);
    if (targets.has(pod.unit)) {
      if (list) list.push(pod);
      else byUnit.set(pod.unit, [pod]);
    } else {
      orphans.push(pod);
    }
  }
  const order = deletionOrder(updateRevision);
  const plan: ScalePlan = { create: new Map(), delete: orphans.sort(order).map((p) => p.name) };
  for (const [unit, target] of targets) {
    const live = byUnit.get(unit) ?? [];
    if (live.length < target) {
      plan.create.set(unit, target - live.length);
    } else if (live.length > target) {
      const surplus = [...live].sort(order).slice(0, live.length - target);
      plan.delete.push(...surplus.map((p) => p.name));
    }
  }
  return plan;
}
