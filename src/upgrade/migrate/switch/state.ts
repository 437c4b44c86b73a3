import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../../../kube/atomic-file.js';

/** The seeds' phase names (China Mobile's table: init, backup, clean, install) plus import and verify. */
export const PHASES = ['init', 'backup', 'clean', 'install', 'import', 'verify'] as const;
export type PhaseName = (typeof PHASES)[number];
export type Operation = 'switch' | 'rollback';

export interface PhaseRecord {
  name: PhaseName;
  /** What the phase does in this operation, e.g. "stop the old control plane". */
  title: string;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  startedAt?: string;
  durationMs?: number;
  /** One line: what was done, or why it failed. */
  detail?: string;
  /** The phase's log file (command output, progress). */
  log: string;
}

/** `<workDir>/switch-state.json`: where the last switch or rollback got to. */
export interface RunState {
  version: 1;
  operation: Operation;
  planFile: string;
  planDigest: string;
  /** The process running it (a live pid with status running means: in progress elsewhere). */
  pid: number;
  status: 'running' | 'failed' | 'done';
  startedAt: string;
  updatedAt: string;
  /** Which control plane is expected to serve: after `clean` neither, after `install` the one started. */
  serving: 'old' | 'new' | 'none';
  phases: PhaseRecord[];
  error?: { phase: PhaseName; message: string };
}

export const STATE_FILE = 'switch-state.json';
export const statePath = (workDir: string): string => join(workDir, STATE_FILE);
export const logPath = (workDir: string, op: Operation, phase: PhaseName): string => join(workDir, 'logs', `${op}-${phase}.log`);

export async function readState(workDir: string): Promise<RunState | undefined> {
  try {
    return JSON.parse(await readFile(statePath(workDir), 'utf8')) as RunState;
  } catch {
    return undefined;
  }
}

/** Atomic write (temp file + rename): a crash never leaves half a state file. */
export async function writeState(workDir: string, st: RunState): Promise<void> {
  await mkdir(workDir, { recursive: true });
  st.updatedAt = new Date().toISOString();
  await writeAtomic(statePath(workDir), JSON.stringify(st, null, 2) + '\n');
}

/** Keep a finished run's state beside the new one (switch-state.<time>.json). */
export async function archiveState(workDir: string, st: RunState): Promise<void> {
  const stamp = st.updatedAt.replace(/[:.]/g, '-');
  await writeFile(join(workDir, `switch-state.${st.operation}.${stamp}.json`), JSON.stringify(st, null, 2) + '\n');
}

