/**
 * `plinth up --members N`: around the running hub, N light member clusters on one shared etcd, each joined
 * (when the membership commands exist) and with its agent supervised, plus a local `git daemon` serving the
 * sample repository. Idempotent: members, agents and the Git server that run are reused; stopped ones come
 * back on their kept data.
 */
import { join } from 'node:path';
import { forEachLimit } from '../../../kube/pool.js';
import { freePorts } from '../../../localenv/cluster/ports.js';
import { defaultStateDir, startSharedEtcd } from '../../../localenv/index.js';
import { membersEtcdName } from '../../../fleet/provider/local.js';
import { ensureSampleRepo, repoUrl, startGitDaemon, type GitDaemonRecord } from './git-daemon.js';
import { cliMemberJoiner, type MemberJoiner } from './join.js';
import { ensureMember, hubCaFile, type HubContext } from './member-lifecycle.js';
import { planMembers } from './plan.js';
import { readFleetRecord, writeFleetRecord, type FleetStackRecord, type StackMember } from './record.js';
import { applySampleDeliveries } from './sample.js';

export interface MembersUpOptions {
  hub: Omit<HubContext, 'caFile'>;
  /** How many `plinth up --members` members there should be (members made by `fleet create` come on top). */
  count: number;
  kubeVersion: 'old' | 'new';
  /** How members join (default: the membership CLI commands). */
  joiner?: MemberJoiner;
  onProgress?: (m: string) => void;
}

export interface MemberView {
  name: string;
  cluster: string;
  kubeconfig: string;
  labels: Record<string, string>;
  action: 'created' | 'restarted' | 'running';
  joined: boolean;
  agentPid: number;
}

export interface MembersUpResult {
  members: MemberView[];
  git: { url: string; baseDir: string; createdSample: boolean };
  /** Members were not joined: this build has no `plinth fleet join`. */
  joinUnavailable: boolean;
}

/** Members started at once: each start is mostly waiting on its own processes; more would crowd 2 cores. */
const PARALLEL = 4;

async function gitUp(hubStateDir: string, kept: GitDaemonRecord | undefined): Promise<{ rec: GitDaemonRecord; createdSample: boolean }> {
  const baseDir = kept?.baseDir ?? join(hubStateDir, 'git');
  const createdSample = await ensureSampleRepo(baseDir);
  const port = kept?.port ?? (await freePorts(1))[0]!;
  const rec = await startGitDaemon({ port, baseDir, log: kept?.log ?? join(hubStateDir, 'logs', 'git-daemon.log'), pid: kept?.pid ?? null, ...(kept?.startTime ? { startTime: kept.startTime } : {}) });
  return { rec, createdSample };
}

export async function membersUp(o: MembersUpOptions): Promise<MembersUpResult> {
  const progress = o.onProgress ?? ((): void => undefined);
  const hub: HubContext = { ...o.hub, caFile: hubCaFile(o.hub.stateDir) };
  const kept = await readFleetRecord(hub.stateDir);
  const rec: FleetStackRecord = kept ?? { hub: hub.name, members: [], etcd: { name: membersEtcdName(hub.name), stateDir: defaultStateDir(membersEtcdName(hub.name)) } };

  // The members' etcd once, before members start in parallel (each would otherwise race to start it).
  progress('starting the members\' shared etcd');
  await startSharedEtcd({ name: rec.etcd.name, stateDir: rec.etcd.stateDir, detached: true });
  progress('starting the local Git server');
  const git = await gitUp(hub.stateDir, rec.git);
  rec.git = git.rec;
  await writeFleetRecord(hub.stateDir, rec);

  // The planned members, then any other member recorded (made by `fleet create`, or by an earlier, larger --members).
  const planned = planMembers(hub.name, o.count).map((p) => ({ name: p.name, labels: p.labels, kubeVersion: o.kubeVersion, origin: 'up' as const }));
  const others = rec.members
    .filter((m) => !planned.some((p) => p.name === m.name))
    .map((m) => ({ name: m.name, labels: m.labels, kubeVersion: m.kubeVersion === 'old' ? ('old' as const) : ('new' as const), origin: m.origin }));
  const specs = [...planned, ...others];
  const joiner = o.joiner ?? cliMemberJoiner();
  const views: MemberView[] = [];
  const byName = new Map<string, StackMember>(rec.members.map((m) => [m.name, m]));
  let saving = Promise.resolve();
  await forEachLimit(specs, PARALLEL, async (spec) => {
    const known = byName.get(spec.name);
    const e = await ensureMember(hub, { ...spec, kubeVersion: known ? (known.kubeVersion === 'old' ? 'old' : 'new') : spec.kubeVersion }, known, joiner, progress);
    byName.set(spec.name, e.member);
    views.push({ name: e.member.name, cluster: e.member.localName, kubeconfig: e.member.kubeconfig, labels: e.member.labels, action: e.action, joined: e.member.joined, agentPid: e.agentPid });
    rec.members = specs.map((s) => byName.get(s.name)).filter((m): m is StackMember => m !== undefined);
    saving = saving.then(() => writeFleetRecord(hub.stateDir, rec));
    await saving;
    progress(`member ${spec.name} ${e.action}${e.joinedNow ? ', joined' : ''}`);
  });
  views.sort((a, b) => specs.findIndex((s) => s.name === a.name) - specs.findIndex((s) => s.name === b.name));
  if (await joiner.available()) {
    progress('creating the sample deliveries (namespace fleet-sample on the hub)');
    await applySampleDeliveries(hub.kubeconfig, repoUrl(git.rec.port));
  }
  return {
    members: views,
    git: { url: repoUrl(git.rec.port), baseDir: git.rec.baseDir, createdSample: git.createdSample },
    joinUnavailable: !(await joiner.available()),
  };
}
