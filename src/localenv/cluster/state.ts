import { readFile, rm, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../build/index.js';
import { isClusterProcess, killGroup, processesUsing, STOP_GRACE_MS } from './process.js';
import { pidAlive } from '../../kube/proc.js';
import { COMPONENTS, type ClusterRecord, type ClusterStatus } from './types.js';
import { LOCAL_CLUSTER_RECORD } from '../../kube/cache-dir.js';
import { writeAtomic } from '../../kube/atomic-file.js';
import { sharedEtcdAlive } from './shared-etcd-record.js';

export const RECORD_FILE = LOCAL_CLUSTER_RECORD;

/** `<cacheDir>/clusters`: where clusters without an explicit stateDir live. */
export const clustersRoot = (): string => join(cacheDir(), 'clusters');
export const defaultStateDir = (name: string): string => join(clustersRoot(), name);

/** Cluster names become directory and kubeconfig context names: keep them DNS-label-like. */
export function validName(name: string): boolean {
  return /^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$/.test(name);
}

export async function readRecord(stateDir: string): Promise<ClusterRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, RECORD_FILE), 'utf8')) as ClusterRecord;
  } catch {
    return undefined;
  }
}

/** Atomic write (temp file + rename) so the watchdog and other processes never read half a file. */
export async function writeRecord(rec: ClusterRecord): Promise<void> {
  await writeAtomic(join(rec.stateDir, RECORD_FILE), JSON.stringify(rec, null, 2));
}

/** Which recorded components are alive (and really ours, not a reused pid). */
export function componentsAlive(rec: ClusterRecord): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const c of COMPONENTS) out[c] = isClusterProcess(rec.components[c]?.pid, rec.stateDir);
  // A member on a shared etcd has none of its own: the shared one must run.
  if (rec.sharedEtcd) out.etcd = sharedEtcdAlive(rec.sharedEtcd.stateDir);
  return out;
}

export function status(rec: ClusterRecord): ClusterStatus {
  const alive = componentsAlive(rec);
  return { ...rec, componentsAlive: alive, alive: COMPONENTS.every((c) => alive[c]) };
}

/**
 * A cluster is live when all its processes run and someone owns it: it is detached (`plinth up`)
 * or the process that started it is still alive. Anything else found in a state dir is stale.
 */
export function isLive(rec: ClusterRecord): boolean {
  if (rec.phase !== 'running') return false;
  if (!status(rec).alive) return false;
  return rec.detached || pidAlive(rec.ownerPid);
}

/**
 * Kill every process of a cluster: first the recorded process groups (SIGTERM, then SIGKILL),
 * then anything else still mentioning the state dir on its command line (orphans of a run that
 * was killed before it could record them, the watchdog).
 */
export async function killAll(stateDir: string, rec: ClusterRecord | undefined, graceMs = STOP_GRACE_MS): Promise<void> {
  if (rec) {
    await Promise.all(
      COMPONENTS.map(async (c) => {
        const pid = rec.components[c]?.pid;
        if (pid && isClusterProcess(pid, stateDir)) await killGroup(pid, graceMs);
      }),
    );
  }
  const leftovers = processesUsing(stateDir);
  await Promise.all(leftovers.map((pid) => killGroup(pid, graceMs)));
}

/** Stop whatever is left of a stale cluster in `stateDir` and delete the directory. */
export async function cleanStale(stateDir: string): Promise<void> {
  await killAll(stateDir, await readRecord(stateDir));
  await rm(stateDir, { recursive: true, force: true });
}

/** Every cluster.json under `<cacheDir>/clusters/*`. */
export async function recordsUnder(root: string): Promise<ClusterRecord[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const recs = await Promise.all(names.map((n) => readRecord(join(root, n))));
  return recs.filter((r): r is ClusterRecord => r !== undefined);
}
