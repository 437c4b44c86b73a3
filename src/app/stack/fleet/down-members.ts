import { forEachLimit } from '../../../kube/pool.js';
import { stopSharedEtcd } from '../../../localenv/index.js';
import { stopGitDaemon } from './git-daemon.js';
import { deleteMember, stopMember } from './member-lifecycle.js';
import { readFleetRecord, writeFleetRecord } from './record.js';

/**
 * `plinth down` of a hub with members: every member's agent and cluster, their shared etcd and the Git
 * server stop; their data stays (the members' state dirs, the etcd data, the repositories) unless `purge`.
 * Returns the members' fleet names (nothing when the hub has no fleet stack).
 */
export async function membersDown(hubStateDir: string, opts: { purge: boolean }): Promise<string[]> {
  const rec = await readFleetRecord(hubStateDir);
  if (!rec) return [];
  await forEachLimit(rec.members, 8, (m) => (opts.purge ? deleteMember(rec.hub, m) : stopMember(m)));
  await stopGitDaemon(rec.git);
  await stopSharedEtcd(rec.etcd.stateDir, { keepData: !opts.purge });
  if (!opts.purge) {
    if (rec.git) rec.git = { ...rec.git, pid: null };
    await writeFleetRecord(hubStateDir, rec);
  }
  return rec.members.map((m) => m.name);
}

/** The local cluster names of every member of the hubs whose state dirs are given. */
export async function memberClusterNames(hubStateDirs: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const dir of hubStateDirs) for (const m of (await readFleetRecord(dir))?.members ?? []) out.add(m.localName);
  return out;
}
