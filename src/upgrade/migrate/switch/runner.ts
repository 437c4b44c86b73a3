import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { asPlinthError, type PlinthError } from '../../../errors/index.js';
import { logPath, writeState, type Operation, type PhaseName, type PhaseRecord, type RunState } from './state.js';

/** What a phase may use while it runs. */
export interface PhaseIO {
  /** The phase's log file. */
  log: string;
  /** Append a timestamped line to the log and show it as live progress. */
  note(msg: string): Promise<void>;
}

export interface PhaseSpec {
  name: PhaseName;
  title: string;
  /** Which control plane serves once this phase is done (default: unchanged). */
  serving?: RunState['serving'];
  /** Returns the one-line detail shown in the report. */
  run(io: PhaseIO): Promise<string>;
}

export type PhaseEvent =
  | { type: 'start'; phase: PhaseRecord }
  | { type: 'note'; phase: PhaseRecord; message: string }
  | { type: 'end'; phase: PhaseRecord };

/** A phase failed: the state file records it; `cause` says why. */
export class PhaseFailed extends Error {
  constructor(
    readonly phase: PhaseName,
    readonly error: PlinthError,
  ) {
    super(`${phase}: ${error.message}`);
  }
}

/** A fresh state for `phases` (all pending). */
export function newState(op: Operation, planFile: string, planDigest: string, workDir: string, phases: readonly PhaseSpec[], serving: RunState['serving']): RunState {
  const now = new Date().toISOString();
  return {
    version: 1,
    operation: op,
    planFile,
    planDigest,
    pid: process.pid,
    status: 'running',
    startedAt: now,
    updatedAt: now,
    serving,
    phases: phases.map((p) => ({ name: p.name, title: p.title, status: 'pending', log: logPath(workDir, op, p.name) })),
  };
}

/**
 * Run the phases in order, recording each in the state file before and after it runs. Phases
 * already `done` in the state are skipped (resume). The first failure is recorded (phase failed,
 * state failed, the reason) and thrown as PhaseFailed; nothing after it runs.
 */
export async function runPhases(workDir: string, state: RunState, phases: readonly PhaseSpec[], onEvent: (e: PhaseEvent) => void = () => undefined): Promise<RunState> {
  state.status = 'running';
  state.pid = process.pid;
  delete state.error;
  await writeState(workDir, state);
  for (const spec of phases) {
    const rec = state.phases.find((p) => p.name === spec.name);
    if (!rec) throw new Error(`phase ${spec.name} missing from the state`);
    if (rec.status === 'done' || rec.status === 'skipped') continue;
    rec.status = 'running';
    rec.startedAt = new Date().toISOString();
    delete rec.detail;
    await mkdir(dirname(rec.log), { recursive: true });
    await writeState(workDir, state);
    onEvent({ type: 'start', phase: rec });
    const t0 = Date.now();
    const io: PhaseIO = {
      log: rec.log,
      note: async (message) => {
        await appendFile(rec.log, `${new Date().toISOString()} ${message}\n`);
        onEvent({ type: 'note', phase: rec, message });
      },
    };
    try {
      rec.detail = await spec.run(io);
      rec.status = 'done';
      if (spec.serving) state.serving = spec.serving;
    } catch (err) {
      const e = asPlinthError(err);
      rec.status = 'failed';
      rec.detail = e.message;
      state.status = 'failed';
      state.error = { phase: spec.name, message: e.message };
      await appendFile(rec.log, `${new Date().toISOString()} FAILED: ${e.message}\n`).catch(() => undefined);
      throw new PhaseFailed(spec.name, e);
    } finally {
      rec.durationMs = Date.now() - t0;
      await writeState(workDir, state);
      onEvent({ type: 'end', phase: rec });
    }
  }
  state.status = 'done';
  await writeState(workDir, state);
  return state;
}
