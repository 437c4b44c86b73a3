import { PlinthError } from '../../errors/index.js';
import { isConflict } from '../../kube/api-error.js';
import { rfc3339Micro, sleep } from '../../kube/clock.js';
import type { KubeClient } from '../../kube/http.js';
import { KubeLeaseLock, LeaderElector, type LeaseLock, type LeaseRecord } from '../../kube/leader.js';
import { holderIsDeadHere } from '../../kube/holder.js';
import { errorMessage } from '../../errors/index.js';
import { LEASE_NAME } from './store.js';
import { retry } from '../../kube/retry.js';

export interface RunLock {
  /** Aborts when this process stops holding the lease (lost, or the renew deadline passed). */
  signal: AbortSignal;
  /**
   * Give the lease up (so another run may start at once). Resolves with why it could not be given back (it then
   * runs out by itself within LEASE_DURATION_MS), or undefined.
   */
  release(): Promise<string | undefined>;
}

export const LEASE_DURATION_MS = 20_000;

/** Whether a holder's lease is still live by its own renew time (a crashed holder's lease runs out). */
export function leaseLive(r: LeaseRecord, now: number): boolean {
  if (!r.holderIdentity) return false;
  const renewed = Date.parse(r.renewTime ?? r.acquireTime ?? '');
  if (Number.isNaN(renewed)) return true;
  return renewed + (r.leaseDurationSeconds ?? LEASE_DURATION_MS / 1000) * 1000 > now;
}

/** Whether the lease's holder is live: renewed recently and not a process known to be dead on this host. */
export function holderLive(r: LeaseRecord, now: number): boolean {
  return leaseLive(r, now) && !holderIsDeadHere(r.holderIdentity ?? '');
}

/**
 * Take the one Lease that lets a run act on the cluster's nodes (whatever the run's name). A live
 * holder means another run acts now: refused at once, naming it. The lease of a holder that died on
 * this host is taken at once (the LeaderElector's holderIsDead, src/kube/holder.ts); one that died elsewhere
 * is taken over once it runs out (the LeaderElector measures that on this machine's clock).
 */
export async function acquireRunLock(
  client: KubeClient,
  namespace: string,
  identity: string,
  opts: { sameRunPrefix?: string; onWait?: (holder: string) => void; onDeadHolder?: (holder: string) => void } = {},
): Promise<RunLock> {
  const lock = new KubeLeaseLock(client, namespace, LEASE_NAME);
  let probe = await lock.get(AbortSignal.timeout(30_000));
  const dead = probe?.record.holderIdentity;
  // A holder that died on this host is neither waited for nor refused: the elector (holderIsDead) takes its
  // lease at its first attempt.
  if (probe && dead && leaseLive(probe.record, Date.now()) && holderIsDeadHere(dead)) opts.onDeadHolder?.(dead);
  const prefix = opts.sameRunPrefix;
  if (prefix && probe?.record.holderIdentity?.startsWith(prefix) && probe.record.holderIdentity !== identity && holderLive(probe.record, Date.now())) {
    // An earlier process of the same run (killed, most likely): wait for its lease to run out,
    // but refuse if it is still renewed (that process is alive).
    const holder = probe.record.holderIdentity;
    const renewed = probe.record.renewTime;
    opts.onWait?.(holder);
    const end = Date.now() + LEASE_DURATION_MS + 5_000;
    while (Date.now() < end && probe && leaseLive(probe.record, Date.now())) {
      await sleep(1000);
      probe = await lock.get(AbortSignal.timeout(30_000));
      if (probe?.record.holderIdentity === holder && probe.record.renewTime !== renewed) break;
    }
  }
  const refuse = (holder: string, r?: LeaseRecord): PlinthError =>
    new PlinthError('UPGRADE_NODES_LOCKED', {
      holder,
      lease: `${namespace}/${LEASE_NAME}`,
      renewed: r?.renewTime ?? 'just now',
    });
  if (probe && probe.record.holderIdentity !== identity && holderLive(probe.record, Date.now())) {
    throw refuse(probe.record.holderIdentity!, probe.record);
  }
  const stale = probe?.record.holderIdentity;
  const outer = new AbortController();
  let finish!: () => void;
  const workDone = new Promise<void>((r) => (finish = r));
  let running: Promise<void> = Promise.resolve();
  const acquired = new Promise<AbortSignal>((resolve, reject) => {
    const elector = new LeaderElector({
      lock,
      identity,
      leaseDurationMs: LEASE_DURATION_MS,
      renewDeadlineMs: 14_000,
      retryPeriodMs: 2_000,
      holderIsDead: holderIsDeadHere,
      rejoin: false,
      onStartedLeading: (signal) => {
        resolve(signal);
        return workDone;
      },
      onNewLeader: (holder) => {
        if (holder !== identity && holder !== stale) {
          // Someone else took it between our probe and our attempt.
          reject(refuse(holder));
          outer.abort();
        }
      },
    });
    running = elector.run(outer.signal).then(() => reject(refuse(elector.observedLeader ?? 'another run')));
  });
  const signal = await acquired;
  return {
    signal,
    release: async () => {
      finish();
      outer.abort();
      await running;
      return releaseIfHeld(lock, identity);
    },
  };
}

/** The line that says the lease was not given back at the end (`why`: from RunLock.release). */
export function leaseKeptWarning(namespace: string, why: string): string {
  return `warning: could not give the lease ${namespace}/${LEASE_NAME} back (${why}); it runs out by itself within ${LEASE_DURATION_MS / 1000}s\n`;
}

/** Gives the lease up in its holder's name (no holder, a 1 s duration), only if it is still at `cur`'s version. */
async function vacate(lock: Pick<LeaseLock, 'update'>, cur: { record: LeaseRecord; version: string }): Promise<void> {
  await lock.update({ ...cur.record, holderIdentity: '', leaseDurationSeconds: 1, renewTime: rfc3339Micro(Date.now()) }, cur.version, AbortSignal.timeout(10_000));
}

/**
 * Make sure the lease is free after a clean end. The elector releases it too, but a renewal
 * cut short by the shutdown may have landed on the server and left it a stale version.
 * Returns why the lease is still held in `identity`'s name (the failure that ended the tries), or undefined.
 */
export async function releaseIfHeld(lock: Pick<LeaseLock, 'get' | 'update'>, identity: string): Promise<string | undefined> {
  let step = 'reading';
  try {
    // A conflict (a renewal landed after our read) or a transient error is read again (kube/retry.ts).
    await retry(
      async () => {
        step = 'reading';
        const cur = await lock.get(AbortSignal.timeout(10_000));
        if (!cur || cur.record.holderIdentity !== identity) return;
        step = 'vacating';
        await vacate(lock, cur);
      },
      { attempts: 3, initialMs: 50, maxMs: 500 },
    );
    return undefined;
  } catch (err) {
    return `${step} the lease failed${isConflict(err) ? ' on a conflict' : ''}: ${errorMessage(err)}`;
  }
}
