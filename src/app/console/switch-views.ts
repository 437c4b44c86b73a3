/**
 * Switch plans on the console: a switch (or its rollback) keeps its state in `<workDir>/switch-state.json` on
 * the machine that ran it (src/upgrade/migrate/switch/state.ts), beside the export a rollback checks against.
 * The console shows the work directories it was given (`--switch-dir`); a rollback runs host commands (ssh,
 * local) and needs that export, so it runs only from the CLI on that machine.
 */
import { basename, resolve } from 'node:path';
import { readState, type RunState } from '../../upgrade/migrate/switch/state.js';

export interface SwitchItem {
  /** The work directory's base name (unique among the console's --switch-dir). */
  name: string;
  workDir: string;
  plan: string;
  operation: RunState['operation'];
  status: RunState['status'];
  serving: RunState['serving'];
  startedAt: string;
  updatedAt: string;
  phases: { name: string; title: string; phase: string; startedAt: string | null; finishedAt: string | null; seconds: number | null; detail: string }[];
  /** A rollback applies: the old control plane was stopped (or may have been) and no rollback has completed since. */
  canRollback: boolean;
  /** The command that rolls it back, on the machine holding the work directory. */
  rollbackCommand: string;
  error: { phase: string; message: string } | null;
}

/** Pure: whether rolling back applies to this state (something beyond `init` ran, and it is not a completed rollback). */
export function canRollback(st: RunState): boolean {
  if (st.operation === 'rollback') return st.status !== 'done';
  return st.phases.some((p) => p.name !== 'init' && p.status !== 'pending' && p.status !== 'skipped');
}

/** Pure: the view of one switch state. */
export function switchItem(name: string, workDir: string, st: RunState): SwitchItem {
  return {
    name,
    workDir,
    plan: st.planFile,
    operation: st.operation,
    status: st.status,
    serving: st.serving,
    startedAt: st.startedAt,
    updatedAt: st.updatedAt,
    phases: st.phases.map((p) => {
      const seconds = p.durationMs === undefined ? null : Math.round(p.durationMs / 100) / 10;
      const start = p.startedAt ? Date.parse(p.startedAt) : NaN;
      return {
        name: p.name,
        title: p.title,
        phase: p.status,
        startedAt: p.startedAt ?? null,
        finishedAt: p.durationMs !== undefined && Number.isFinite(start) ? new Date(start + p.durationMs).toISOString() : null,
        seconds,
        detail: p.detail ?? '',
      };
    }),
    canRollback: canRollback(st),
    rollbackCommand: `plinth upgrade rollback --plan ${st.planFile}`,
    error: st.error ?? null,
  };
}

/** Pure: a name for each work directory (its base name; a repeated one gets -2, -3 …). */
export function switchNames(dirs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const d of dirs) {
    const base = (basename(resolve(d)).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'switch').slice(0, 60);
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    out.set(name, resolve(d));
  }
  return out;
}

/** The switches of these work directories that have a state file (newest first). */
export async function readSwitches(dirs: ReadonlyMap<string, string>): Promise<SwitchItem[]> {
  const items: SwitchItem[] = [];
  for (const [name, dir] of dirs) {
    const st = await readState(dir);
    if (st) items.push(switchItem(name, dir, st));
  }
  return items.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}
