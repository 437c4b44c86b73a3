import { rm } from 'node:fs/promises';
import { PlinthError } from '../../errors/index.js';
import { pidAlive } from '../../kube/proc.js';
import { clustersRoot, defaultStateDir, killAll, readRecord, recordsUnder, status, validName, writeRecord } from './state.js';
import type { ClusterStatus } from './types.js';

/**
 * Every cluster with a state dir under `<cacheDir>/clusters` (or `root`), live or not, with
 * whether each of its processes is still alive.
 */
export async function listClusters(root: string = clustersRoot()): Promise<ClusterStatus[]> {
  const recs = await recordsUnder(root);
  return recs.map(status).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Stop a cluster by name from any process (`plinth down`): kill its processes (SIGTERM, then
 * SIGKILL) and its watchdog, then remove its state dir unless it was started with keepStateDir
 * or `keepData` is set (then restartCluster() can start it again on the same data and ports).
 * `stateDir` overrides the default location. Throws CLUSTER_NOT_RUNNING if there is no such cluster.
 */
export async function stopCluster(name: string, opts: { stateDir?: string; keepData?: boolean } = {}): Promise<void> {
  if (!opts.stateDir && !validName(name)) throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: name });
  const stateDir = opts.stateDir ?? defaultStateDir(name);
  const rec = await readRecord(stateDir);
  if (!rec) throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: name });
  // The watchdog first, so it does not race us, then every component group and leftover.
  if (rec.watchdogPid && pidAlive(rec.watchdogPid)) {
    try {
      process.kill(rec.watchdogPid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await killAll(stateDir, rec);
  if (rec.removeStateOnStop && opts.keepData !== true) {
    await rm(stateDir, { recursive: true, force: true });
  } else {
    rec.phase = 'stopped';
    if (opts.keepData === true) rec.removeStateOnStop = false;
    for (const c of Object.values(rec.components)) c.pid = null;
    rec.watchdogPid = null;
    await writeRecord(rec);
  }
}
