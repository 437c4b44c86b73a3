import type { OnFailure } from './options.js';
import type { Control, Counts, RunPhase } from './state.js';

/** How a run that stopped starting nodes ends: its phase, and a message when nodes were left unstarted. */
export function runOutcome(c: Counts, control: Control, onFailure: OnFailure): { phase: RunPhase; message?: string } {
  if (control === 'abort') return { phase: 'Aborted' };
  if (control === 'pause' && c.pending + c.inFlight > 0) return { phase: 'Paused' };
  if (c.failed === 0 && c.pending === 0) return { phase: 'Succeeded' };
  if (c.pending === 0) return { phase: 'Failed' };
  return { phase: 'Failed', message: `${c.failed} node(s) failed; ${c.pending} not started (${onFailure === 'stop' ? '--on-failure stop' : 'failed nodes fill the window'})` };
}

/**
 * The window has nothing more to do: no node in flight, and none may start (none left, the run is paused,
 * aborted or stopping, or failed nodes fill every slot).
 */
export function windowDone(inFlight: number, queued: number, mayStart: boolean, window: number, failedCordoned: number): boolean {
  return inFlight === 0 && (queued === 0 || !mayStart || Math.max(0, window - failedCordoned) === 0);
}
