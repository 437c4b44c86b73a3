import type { Static } from '@sinclair/typebox';
import type { WaveStatus } from '../../api/index.js';
import { rfc3339 } from '../../kube/clock.js';
import type { ClusterState } from './cluster-state.js';
import { fleetHistoryEntry, type FleetHistoryEntryT } from './history.js';
import type { WavePlan } from './waves.js';
import { SYSTEM_ACTOR } from './types.js';

export type WaveStatusT = Static<typeof WaveStatus>;

export interface AdvanceInput {
  plans: readonly WavePlan[];
  states: ReadonlyMap<string, ClusterState>;
  /** The wave statuses of this rollout so far (empty at its start). */
  previous: readonly WaveStatusT[];
  confirmed: ReadonlySet<string>;
  paused: boolean;
  revision: string;
  now: Date;
}

export interface AdvanceOutput {
  waves: WaveStatusT[];
  /** Clusters to move to the desired state now. */
  move: string[];
  phase: 'Progressing' | 'WaitingForConfirm' | 'Paused' | 'Succeeded' | 'Failed';
  /** A wave has more failed clusters than its maxFailures. */
  failure?: { wave: string; message: string };
  history: FleetHistoryEntryT[];
  requeueAfterMs?: number;
}

/**
 * Pure: the wave state machine of a rollout (forward). Waves go in order; a wave starts when every earlier wave
 * Succeeded, and, when it needs confirmation, once its name is in spec.confirmedWaves. A started wave moves
 * at most maxConcurrent clusters at once (a cluster is in flight from its move until it is healthy or failed);
 * when every cluster is healthy (or failed within maxFailures) it soaks for soakSeconds, staying healthy, then
 * Succeeds. More failed clusters than maxFailures fail the wave (the caller applies onFailure). Paused: no
 * wave starts and no cluster moves. A Succeeded wave stays Succeeded; a cluster newly placed in it moves at once.
 */
export function advanceWaves(inp: AdvanceInput): AdvanceOutput {
  const prev = new Map(inp.previous.map((w) => [w.name, w]));
  const at = rfc3339(inp.now);
  const out: AdvanceOutput = { waves: [], move: [], phase: 'Succeeded', history: [] };
  const note = (action: string, wave: string, message: string): void => {
    out.history.push(fleetHistoryEntry(inp.now, SYSTEM_ACTOR, action, { wave, message }));
  };
  const wait = (ms: number): void => {
    out.requeueAfterMs = out.requeueAfterMs === undefined ? ms : Math.min(out.requeueAfterMs, ms);
  };
  let blocked = false;
  for (const plan of inp.plans) {
    const was = prev.get(plan.name);
    const w: WaveStatusT = { ...(was ?? {}), name: plan.name, phase: was?.phase ?? 'Pending', revision: inp.revision, clusters: plan.clusters.length };
    out.waves.push(w);
    const states = plan.clusters.map((c) => inp.states.get(c)).filter((s): s is ClusterState => s !== undefined);
    if (blocked) {
      w.phase = 'Pending';
      continue;
    }
    if (was?.phase === 'Succeeded') {
      if (!inp.paused) out.move.push(...states.filter((s) => !s.atTarget && !s.failed).map((s) => s.cluster));
      continue;
    }
    blocked = true;
    if (plan.needConfirm && !inp.confirmed.has(plan.name)) {
      if (w.phase !== 'WaitingForConfirm') note('WaitingForConfirm', plan.name, `wave ${plan.name} (${plan.clusters.length} clusters) waits for \`plinth fleet rollout confirm\``);
      w.phase = 'WaitingForConfirm';
      out.phase = 'WaitingForConfirm';
      continue;
    }
    const failed = states.filter((s) => s.failed);
    if (failed.length > plan.maxFailures) {
      const names = failed.map((s) => s.cluster);
      const message = `wave ${plan.name}: ${failed.length} failed cluster(s), more than maxFailures ${plan.maxFailures}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`;
      w.phase = 'Failed';
      out.failure = { wave: plan.name, message };
      out.phase = 'Failed';
      continue;
    }
    for (const s of states) if (s.deadlineAt !== undefined) wait(Math.max(1, s.deadlineAt - inp.now.getTime()));
    if (inp.paused) {
      if (w.phase !== 'Pending' && w.phase !== 'WaitingForConfirm') w.phase = 'Paused';
      else w.phase = 'Pending';
      out.phase = 'Paused';
      continue;
    }
    if (w.phase === 'Pending' || w.phase === 'WaitingForConfirm' || w.startedAt === undefined) {
      note('WaveStarted', plan.name, `wave ${plan.name} started: ${plan.clusters.length} clusters, at most ${plan.maxConcurrent} at once`);
      w.startedAt = at;
    }
    const inFlight = states.filter((s) => s.atTarget && !s.healthy && !s.failed).length;
    const waiting = states.filter((s) => !s.atTarget && !s.failed);
    out.move.push(...waiting.slice(0, Math.max(0, plan.maxConcurrent - inFlight)).map((s) => s.cluster));
    const done = states.every((s) => s.healthy || s.failed);
    if (!done) {
      w.phase = 'Progressing';
      delete w.healthySince;
      out.phase = 'Progressing';
      continue;
    }
    if (plan.soakSeconds > 0) {
      const since = w.phase === 'Soaking' && w.healthySince ? w.healthySince : at;
      const left = Date.parse(since) + plan.soakSeconds * 1000 - inp.now.getTime();
      if (left > 0) {
        w.phase = 'Soaking';
        w.healthySince = since;
        out.phase = 'Progressing';
        wait(left);
        continue;
      }
    }
    w.phase = 'Succeeded';
    w.finishedAt = at;
    note('WaveSucceeded', plan.name, `wave ${plan.name} succeeded: ${states.filter((s) => s.healthy).length}/${plan.clusters.length} clusters healthy`);
    blocked = false;
  }
  return out;
}
