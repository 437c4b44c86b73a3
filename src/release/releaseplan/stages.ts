import { compareStrings } from '../plan/index.js';

/** What the planner reads of an app: its name and the names it depends on. */
export interface AppDeps {
  name: string;
  dependsOn?: readonly string[];
}

/** Why the apps cannot be put in stages; `message` says what to change. */
export type StageProblem =
  | { kind: 'unknownDependency'; app: string; dependency: string; message: string }
  | { kind: 'cycle'; cycle: string[]; message: string }
  | { kind: 'duplicate'; app: string; message: string };

export type StagesResult = { ok: true; stages: string[][] } | { ok: false; problem: StageProblem };

/**
 * Pure: the stages of a plan by topological layering. Stage 0 holds the apps that depend on nothing; stage k
 * the apps whose dependencies are all in stages before k (and one of them in stage k-1). Within a stage apps are
 * sorted by name, so the same apps always give the same stages. A dependency that is not an app of the plan,
 * a name listed twice, or a cycle (`a → b → a`, found from the first app by name that is on one) is a problem.
 */
export function planStages(apps: readonly AppDeps[]): StagesResult {
  const byName = new Map<string, AppDeps>();
  for (const a of apps) {
    if (byName.has(a.name)) return { ok: false, problem: { kind: 'duplicate', app: a.name, message: `app ${a.name} is listed twice in spec.apps; list every app once` } };
    byName.set(a.name, a);
  }
  const names = [...byName.keys()].sort(compareStrings);
  for (const n of names) {
    for (const d of byName.get(n)?.dependsOn ?? []) {
      if (!byName.has(d)) {
        return {
          ok: false,
          problem: { kind: 'unknownDependency', app: n, dependency: d, message: `app ${n} dependsOn ${d}, which is not an app of this plan; add ${d} to spec.apps or remove it from dependsOn` },
        };
      }
    }
  }
  const cycle = findCycle(names, byName);
  if (cycle) {
    const text = cycle.join(' → ');
    return { ok: false, problem: { kind: 'cycle', cycle, message: `the dependencies form a cycle: ${text}; remove one of these dependsOn entries` } };
  }
  const level = new Map<string, number>();
  const levelOf = (n: string): number => {
    const known = level.get(n);
    if (known !== undefined) return known;
    const deps = byName.get(n)?.dependsOn ?? [];
    const l = deps.length === 0 ? 0 : Math.max(...deps.map(levelOf)) + 1;
    level.set(n, l);
    return l;
  };
  const stages: string[][] = [];
  for (const n of names) {
    const l = levelOf(n);
    while (stages.length <= l) stages.push([]);
    stages[l]!.push(n);
  }
  return { ok: true, stages };
}

/** The first cycle met by a depth-first walk from the apps in name order (dependencies in name order), closed: [a, b, a]. */
function findCycle(names: readonly string[], byName: ReadonlyMap<string, AppDeps>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | undefined => {
    const s = state.get(n);
    if (s === 'done') return undefined;
    if (s === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    path.push(n);
    for (const d of [...(byName.get(n)?.dependsOn ?? [])].sort(compareStrings)) {
      const c = visit(d);
      if (c) return c;
    }
    path.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of names) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}
