import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isClusterProcess } from './process.js';

/** The record of a shared etcd in its state dir (not a cluster.json: listClusters() does not list it). */
export const SHARED_ETCD_RECORD = 'etcd.json';

export interface SharedEtcdRecord {
  name: string;
  stateDir: string;
  endpoint: string;
  pid: number | null;
  ports: { client: number; peer: number };
  detached: boolean;
  startedAt: string;
}

export async function readShared(stateDir: string): Promise<SharedEtcdRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, SHARED_ETCD_RECORD), 'utf8')) as SharedEtcdRecord;
  } catch {
    return undefined;
  }
}

/** The pid of the running shared etcd of `stateDir` (alive and really that etcd), or null. Synchronous: status reads it. */
export function sharedEtcdPid(stateDir: string): number | null {
  try {
    const rec = JSON.parse(readFileSync(join(stateDir, SHARED_ETCD_RECORD), 'utf8')) as SharedEtcdRecord;
    return isClusterProcess(rec.pid, stateDir) ? rec.pid : null;
  } catch {
    return null;
  }
}

/** True when the shared etcd recorded in `stateDir` runs. */
export function sharedEtcdAlive(stateDir: string): boolean {
  return sharedEtcdPid(stateDir) !== null;
}
