// From one workload's recording to its losslessness figures, pure: the lossy pod-seconds (as the issue defines
// them, and two narrower readings) and the simulated client's lossy requests for each propagation delay.
import { simulateClient, type ClientSimResult } from './client-sim.js';
import { awayIntervals, listedIntervals, lossyTime, type LossyTime, type PodObs, type SliceObs } from './lossless.js';

export interface LossOptions {
  /** Only what happens from here on counts (the image change), ms. */
  from: number;
  /** The end of the recording, ms. */
  to: number;
  /** How long a deleted pod's process keeps serving (its preStop sleep); 0 for none. */
  preStopMs: number;
  /** The simulated client's request rate per second. */
  rate: number;
  /** kube-proxy propagation delays to simulate, ms. */
  delaysMs: readonly number[];
  seed: number;
}

export interface LossFigures {
  /** The figure: going away (deletion seen, or image changed) while listed ready or serving. */
  podSeconds: LossyTime;
  /** The same, listed ready only (what kube-proxy routes to while a Service has ready endpoints). */
  podSecondsReady: LossyTime;
  /** Going away counted from when the process stops (after its preStop sleep), listed ready or serving. */
  podSecondsStopped: LossyTime;
  /** Per delay: requests that reached a pod going away (the reading: deleted, terminating, image changed). */
  requests: Array<{ delayMs: number } & ClientSimResult>;
  /** Per delay: requests that reached a pod whose process had stopped (the preStop sleep over, or restarting). */
  requestsStopped: Array<{ delayMs: number } & ClientSimResult>;
}

/** Observations from `from` on, with earlier ones moved to `from` (so the state at `from` is kept). */
function clip<T extends { t: number }>(obs: readonly T[], from: number): T[] {
  return obs.map((o) => (o.t < from ? { ...o, t: from } : o));
}

export function analyseLoss(pods: readonly PodObs[], slices: readonly SliceObs[], o: LossOptions): LossFigures {
  // The client routes on what the slices said up to the longest delay earlier: keep that much state before `from`.
  const start = o.from - Math.max(0, ...o.delaysMs);
  const p = clip(pods, start);
  const s = clip(slices, start);
  const servingOrReady = listedIntervals(s, 'readyOrServing', o.to);
  const ready = listedIntervals(s, 'ready', o.to);
  const away = awayIntervals(p);
  const stopped = awayIntervals(p, o.preStopMs);
  const sim = (a: typeof away): LossFigures['requests'] =>
    o.delaysMs.map((delayMs) => ({ delayMs, ...simulateClient(ready, a, { rate: o.rate, from: o.from, to: o.to, delayMs, seed: o.seed }) }));
  return {
    podSeconds: lossyTime(servingOrReady, away),
    podSecondsReady: lossyTime(ready, away),
    podSecondsStopped: lossyTime(servingOrReady, stopped),
    requests: sim(away),
    requestsStopped: sim(stopped),
  };
}
