import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../../kube/atomic-file.js';

/** What a background manager and its supervisor leave in the cluster's state directory (`manager.json`). */
export interface ManagerRecord {
  /** The manager process (the supervisor's child); replaced on every restart. */
  pid: number;
  /** Its start time (/proc/PID/stat field 22): a pid with another start time is another process. */
  startTime?: number;
  /** The supervisor that restarts the manager when it dies (see docs/localenv.md). */
  supervisorPid?: number;
  supervisorStartTime?: number;
  metricsPort: number;
  kubeconfig: string;
  logFile: string;
  /** When the current manager process was started (RFC 3339). */
  startedAt: string;
  /** Times the supervisor restarted a manager that died. */
  restarts?: number;
  /** How the previous manager process ended, when the supervisor restarted it. */
  lastExit?: { at: string; pid: number; code: number | null; signal: string | null };
}

export const MANAGER_RECORD = 'manager.json';

export async function readManagerRecord(stateDir: string): Promise<ManagerRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, MANAGER_RECORD), 'utf8')) as ManagerRecord;
  } catch {
    return undefined;
  }
}

/** Atomic: readers never see half a record. */
export async function writeManagerRecord(stateDir: string, rec: ManagerRecord): Promise<void> {
  await writeAtomic(join(stateDir, MANAGER_RECORD), JSON.stringify(rec, null, 2));
}

export async function removeManagerRecord(stateDir: string): Promise<void> {
  await rm(join(stateDir, MANAGER_RECORD), { force: true });
}
