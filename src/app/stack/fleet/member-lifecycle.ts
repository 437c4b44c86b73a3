/**
 * One local member's life around its hub: create (or bring back) its cluster through the local provider,
 * join it (once), start its agent; and the way back: stop its agent and cluster (keeping the data), or
 * recycle it. Used by `plinth up --members`, `plinth down` and `plinth fleet create|recycle`.
 */
import { join } from 'node:path';
import { LocalProvider, localMemberName } from '../../../fleet/provider/local.js';
import { defaultStateDir, stopCluster } from '../../../localenv/index.js';
import { readRecord } from '../../../localenv/cluster/state.js';
import { startMemberAgent, stopMemberAgent } from './agents.js';
import type { MemberJoiner } from './join.js';
import type { StackMember } from './record.js';

/** The hub a member belongs to. */
export interface HubContext {
  name: string;
  stateDir: string;
  kubeconfig: string;
  server: string;
  /** The hub's CA certificate (pki/ca.crt of its state dir). */
  caFile: string;
}

export function hubCaFile(hubStateDir: string): string {
  return join(hubStateDir, 'pki', 'ca.crt');
}

export interface MemberSpec {
  name: string;
  labels: Record<string, string>;
  kubeVersion: 'old' | 'new';
  origin: StackMember['origin'];
}

export interface EnsuredMember {
  member: StackMember;
  action: 'created' | 'restarted' | 'running';
  /** Joined by this call (false: it was joined before, or no membership commands exist). */
  joinedNow: boolean;
  agentPid: number;
}

/**
 * Cluster up (created, restarted from kept data, or found running), joined once when the membership
 * commands exist, agent supervised. `known` is its earlier record, if any.
 */
export async function ensureMember(
  hub: HubContext,
  spec: MemberSpec,
  known: StackMember | undefined,
  joiner: MemberJoiner,
  progress: (m: string) => void,
): Promise<EnsuredMember> {
  const provider = new LocalProvider(hub.name);
  const c = await provider.create(spec.name, { kubeVersion: spec.kubeVersion, labels: spec.labels, onProgress: (m) => progress(`${spec.name}: ${m}`) });
  const localName = localMemberName(hub.name, spec.name);
  const stateDir = defaultStateDir(localName);
  const member: StackMember = {
    name: spec.name,
    localName,
    stateDir,
    kubeconfig: c.kubeconfig,
    labels: { ...spec.labels },
    kubeVersion: spec.kubeVersion,
    origin: known?.origin ?? spec.origin,
    joined: known?.joined ?? false,
    agentDir: join(stateDir, 'agent'),
  };
  let joinedNow = false;
  if (!member.joined && (await joiner.available())) {
    progress(`${spec.name}: joining hub ${hub.name}`);
    await joiner.join({
      name: spec.name,
      labels: spec.labels,
      memberKubeconfig: c.kubeconfig,
      hubKubeconfig: hub.kubeconfig,
      hubServer: hub.server,
      hubCaFile: hub.caFile,
    });
    member.joined = true;
    joinedNow = true;
  }
  progress(`${spec.name}: starting its agent`);
  const agent = await startMemberAgent({ name: spec.name, kubeconfig: c.kubeconfig, agentDir: member.agentDir });
  return { member, action: c.action, joinedNow, agentPid: agent.pid };
}

/** Stop a member's agent, then its cluster; its data stays (`plinth up` brings it back). */
export async function stopMember(m: StackMember): Promise<void> {
  await stopMemberAgent(m.agentDir);
  if (await readRecord(m.stateDir)) await stopCluster(m.localName, { stateDir: m.stateDir, keepData: true });
}

/** Stop a member's agent and delete its cluster with all its data. */
export async function deleteMember(hubName: string, m: StackMember): Promise<void> {
  await stopMemberAgent(m.agentDir);
  await new LocalProvider(hubName).delete(m.name);
}
