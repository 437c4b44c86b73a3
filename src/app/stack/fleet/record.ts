import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../../../kube/atomic-file.js';
import type { GitDaemonRecord } from './git-daemon.js';

/** A member of a local hub, as `<hubStateDir>/fleet.json` records it. */
export interface StackMember {
  /** Fleet name (MemberCluster). */
  name: string;
  /** Local cluster name (`<hub>-<name>`). */
  localName: string;
  stateDir: string;
  kubeconfig: string;
  labels: Record<string, string>;
  /** 'old' | 'new' */
  kubeVersion: string;
  /** Which way it came: `plinth up --members` or `plinth fleet create --provider local`. */
  origin: 'up' | 'create';
  /** The membership commands joined it and the hub accepted it. */
  joined: boolean;
  /** Where its agent's supervisor keeps manager.json-style records and the agent's log. */
  agentDir: string;
}

/** Everything of the fleet stack around one local hub: members, their shared etcd, the Git server. */
export interface FleetStackRecord {
  hub: string;
  members: StackMember[];
  etcd: { name: string; stateDir: string };
  git?: GitDaemonRecord;
}

export const FLEET_STACK_RECORD = 'fleet.json';

export async function readFleetRecord(hubStateDir: string): Promise<FleetStackRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(hubStateDir, FLEET_STACK_RECORD), 'utf8')) as FleetStackRecord;
  } catch {
    return undefined;
  }
}

export async function writeFleetRecord(hubStateDir: string, rec: FleetStackRecord): Promise<void> {
  await writeAtomic(join(hubStateDir, FLEET_STACK_RECORD), JSON.stringify(rec, null, 2));
}
