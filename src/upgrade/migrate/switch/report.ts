import { renderTable } from '../../../term/output.js';
import type { Plan } from './plan.js';
import type { PhaseName, RunState } from './state.js';

/** The JSON form of `plinth upgrade switch|rollback -o json` (documented in docs/upgrade-switch.md). */
export interface RunReport {
  operation: 'switch' | 'rollback';
  plan: string;
  workDir: string;
  targetVersion: string;
  status: RunState['status'];
  /** Which control plane serves now: old, new, or none (between clean and install). */
  serving: RunState['serving'];
  phases: { name: PhaseName; title: string; status: string; seconds: number | null; detail: string; log: string }[];
  /** Sum of the phase durations of this and earlier (resumed) runs. */
  totalSeconds: number;
  stateFile: string;
  /** Set when the run failed: the command that restores the old control plane. */
  rollbackCommand?: string;
  resumeCommand?: string;
  error?: { phase: PhaseName; message: string };
}

const secs = (ms: number | undefined): number | null => (ms === undefined ? null : Math.round(ms / 100) / 10);

export function buildReport(plan: Plan, st: RunState, stateFile: string, commands: { rollback?: string; resume?: string }): RunReport {
  const phases = st.phases.map((p) => ({ name: p.name, title: p.title, status: p.status, seconds: secs(p.durationMs), detail: p.detail ?? '', log: p.log }));
  return {
    operation: st.operation,
    plan: plan.file,
    workDir: plan.workDir,
    targetVersion: plan.targetVersion,
    status: st.status,
    serving: st.serving,
    phases,
    totalSeconds: Math.round(phases.reduce((a, p) => a + (p.seconds ?? 0), 0) * 10) / 10,
    stateFile,
    ...(commands.rollback ? { rollbackCommand: commands.rollback } : {}),
    ...(commands.resume ? { resumeCommand: commands.resume } : {}),
    ...(st.error ? { error: st.error } : {}),
  };
}

/** The seeds' table: one row per phase with its time, then the total. */
export function renderReport(r: RunReport, wide = false): string {
  const rows = [
    ...r.phases.map((p) => ({ phase: p.name, status: p.status, time: p.seconds === null ? '-' : `${p.seconds.toFixed(1)}s`, what: p.title, detail: p.detail, log: p.log })),
    { phase: 'total', status: r.status, time: `${r.totalSeconds.toFixed(1)}s`, what: '', detail: `serving: ${r.serving}`, log: r.stateFile },
  ];
  const table = renderTable(rows, [
    { header: 'phase', value: (x) => x.phase },
    { header: 'status', value: (x) => x.status },
    { header: 'time', value: (x) => x.time },
    { header: 'what', value: (x) => x.what },
    { header: 'detail', value: (x) => x.detail },
    { header: 'log', value: (x) => x.log, wide: true },
  ], wide);
  const tail: string[] = [];
  if (r.status !== 'done' && r.resumeCommand) tail.push(`resume after fixing the cause: ${r.resumeCommand}`);
  if (r.status !== 'done' && r.rollbackCommand) {
    const untouched = r.operation === 'switch' && r.serving === 'old' && !r.phases.some((p) => p.name === 'clean' && p.status !== 'pending');
    tail.push(untouched ? `the old control plane was not stopped; to restore it anyway: ${r.rollbackCommand}` : `roll back to the old control plane: ${r.rollbackCommand}`);
  }
  return `${r.operation} ${r.status === 'done' ? 'completed' : r.status} (target ${r.targetVersion}, work dir ${r.workDir})\n${table}${tail.map((l) => `${l}\n`).join('')}`;
}
