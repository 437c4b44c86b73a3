/**
 * Pure views of the upgrade screen: a node run (from its state ConfigMaps, src/upgrade/nodes/store.ts) as a
 * list item and as its detail, and the readiness report (the assess report of the live cluster).
 */
import type { Finding, Report } from '../../upgrade/assess/types.js';
import { countNodes, isInFlight, type Control, type Decision, type NodeState, type RunState } from '../../upgrade/nodes/state.js';

export interface NodeRunItem {
  name: string;
  phase: RunState['phase'];
  startedAt: string;
  finishedAt: string | null;
  /** The kubelet version nodes must report after their upgrade (null when the run's action does not say). */
  target: string | null;
  nodes: { total: number; done: number; failed: number; inFlight: number; pending: number; skipped: number; aborted: number };
  /** How many nodes at most are upgraded at once. */
  window: number;
  /** The control key a person set and the run has not carried out yet ('' for none). */
  control: Control;
  message: string | null;
}

export interface NodeRow {
  name: string;
  zone: string | null;
  phase: NodeState['phase'];
  startedAt: string | null;
  finishedAt: string | null;
  seconds: number | null;
  evicted: number;
  from: string | null;
  to: string | null;
  /** What an in-flight node waits for, e.g. "PDB default/web allows no disruption now". */
  waitingFor: string | null;
  message: string | null;
}

export interface NodeRunDetail {
  run: NodeRunItem;
  nodes: NodeRow[];
  control: Control;
  /** Who paused, resumed or aborted the run, oldest first. */
  decisions: Decision[];
  settings: RunState['settings'];
}

export function nodeRunItem(s: RunState, control: Control): NodeRunItem {
  const c = countNodes(s);
  return {
    name: s.name,
    phase: s.phase,
    startedAt: s.createdAt,
    finishedAt: s.finishedAt ?? null,
    target: s.settings.expectVersion ?? null,
    nodes: { total: c.total, done: c.done, failed: c.failed, inFlight: c.inFlight, pending: c.pending, skipped: c.skipped, aborted: c.aborted },
    window: s.window,
    control,
    message: s.message ?? null,
  };
}

/** What an in-flight node waits for (null when it is not in flight). */
export function waitingFor(n: NodeState): string | null {
  if (!isInFlight(n.phase)) return null;
  switch (n.phase) {
    case 'cordon':
      return 'the cordon';
    case 'drain':
      return n.blockedBy && n.blockedBy.length > 0 ? `PDB ${n.blockedBy.join(', ')} allows no disruption now` : 'its pods to be evicted';
    case 'upgrade':
      return 'the upgrade action';
    case 'wait-ready':
      return 'the node to be Ready at the new version';
    case 'uncordon':
      return 'the uncordon';
    case 'health':
      return n.workloads && n.workloads.length > 0 ? `workloads to be ready again: ${n.workloads.join(', ')}` : 'the health gate';
    default:
      return null;
  }
}

/** Seconds the node took (or has taken so far, at `now`); null before it started. */
export function nodeSeconds(n: NodeState, now: number): number | null {
  if (n.timings.total !== undefined) return Math.round(n.timings.total / 100) / 10;
  if (!n.startedAt) return null;
  const end = n.finishedAt ? Date.parse(n.finishedAt) : now;
  const start = Date.parse(n.startedAt);
  return Number.isFinite(end) && Number.isFinite(start) ? Math.max(0, Math.round((end - start) / 100) / 10) : null;
}

/** Nodes in flight first, then failed, pending, finished; by name within each. */
const ORDER: Record<string, number> = { failed: 1, pending: 2, done: 3, skipped: 3, aborted: 3 };

export function nodeRunDetail(s: RunState, control: Control, decisions: readonly Decision[], zones: ReadonlyMap<string, string>, now: number): NodeRunDetail {
  const nodes = Object.values(s.nodes)
    .sort((a, b) => (ORDER[a.phase] ?? 0) - (ORDER[b.phase] ?? 0) || a.name.localeCompare(b.name))
    .map(
      (n): NodeRow => ({
        name: n.name,
        zone: zones.get(n.name) ?? null,
        phase: n.phase,
        startedAt: n.startedAt ?? null,
        finishedAt: n.finishedAt ?? null,
        seconds: nodeSeconds(n, now),
        evicted: n.evicted,
        from: n.from ?? null,
        to: n.to ?? null,
        waitingFor: waitingFor(n),
        message: n.message ?? null,
      }),
    );
  return { run: nodeRunItem(s, control), nodes, control, decisions: [...decisions], settings: s.settings };
}

export interface ReadinessItem {
  rule: string;
  severity: Finding['severity'];
  object: { kind: string | null; namespace: string | null; name: string | null; apiVersion: string | null };
  message: string;
  fix: string;
}

export interface Readiness {
  target: string;
  current: string | null;
  /** Every finding, blockers first (each with its severity and its fix). */
  blockers: ReadinessItem[];
  counts: { blocker: number; warning: number; info: number };
  path: Report['path'];
  /** Parts of the cluster the user may not read (the rest was assessed). */
  errors: string[];
}

/** The fix of a finding: its advice, else the replacement API, else what to remove. */
export function fixOf(f: Finding): string {
  if (f.advice) return f.advice;
  if (f.replacement) return `move ${f.identity.kind ?? 'it'} to ${f.replacement}${f.removedIn ? ` before ${f.removedIn}` : ''}${f.fieldChanges?.length ? ` (${f.fieldChanges.length} field change(s))` : ''}`;
  if (f.subject && f.removedIn) return `stop using ${f.subject} before ${f.removedIn}`;
  return 'see docs/upgrade-assess.md for this rule';
}

export function readiness(r: Report): Readiness {
  return {
    target: r.target,
    current: r.current ?? null,
    blockers: r.findings.map((f) => ({
      rule: f.code,
      severity: f.severity,
      object: { kind: f.identity.kind ?? null, namespace: f.identity.namespace ?? null, name: f.identity.name ?? f.identity.client ?? f.identity.component ?? null, apiVersion: f.identity.apiVersion ?? null },
      message: f.message,
      fix: fixOf(f),
    })),
    counts: { blocker: r.summary.blockers, warning: r.summary.warnings, info: r.summary.info },
    path: r.path,
    errors: r.errors.map((e) => e.message),
  };
}
