// The MemberCluster status the hub controller owns (conditions, heartbeat, namespace), computed purely. The fields the
// agent reports (kubernetesVersion, nodes, agentVersion) are kept as they are.
import { rfc3339 } from '../../kube/clock.js';
import { setCondition, type Condition } from '../../kube/status.js';
import type { MemberClusterStatusT } from '../../api/index.js';
import { memberNamespace } from '../names.js';

export interface LeaseView {
  renewTime?: string;
  acquireTime?: string;
  leaseDurationSeconds?: number;
}

export interface StatusInput {
  name: string;
  accepted: boolean;
  status: MemberClusterStatusT | undefined;
  /** The current join CSR: issued (a certificate), pending, or not there. */
  csr: 'issued' | 'pending' | 'denied' | 'missing';
  lease: LeaseView | undefined;
  requestedLabels?: Record<string, string>;
  now: Date;
}

export interface StatusOutput {
  status: MemberClusterStatusT;
  /** Check again after this long (when the Lease runs out), or undefined. */
  recheckAfterMs?: number;
}

const DEFAULT_LEASE_SECONDS = 40;

/** When the agent's Lease runs out (renew + duration), or undefined without a Lease. */
export function leaseExpiry(lease: LeaseView | undefined): number | undefined {
  const at = lease?.renewTime ?? lease?.acquireTime;
  if (!at) return undefined;
  const t = Date.parse(at);
  return Number.isNaN(t) ? undefined : t + (lease?.leaseDurationSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
}

export function memberStatus(input: StatusInput): StatusOutput {
  const prev = input.status ?? {};
  const now = input.now;
  const prevJoined = prev.conditions?.find((c) => c.type === 'Joined')?.status === 'True';
  let conditions: Condition[] = (prev.conditions ?? []);
  const set = (c: Omit<Condition, 'lastTransitionTime'>): void => {
    conditions = setCondition(conditions, c, now);
  };

  const joined = input.accepted && (prevJoined || input.csr === 'issued');
  if (joined) set({ type: 'Joined', status: 'True', reason: 'CertificateIssued', message: 'the agent holds a hub certificate' });
  else if (!input.accepted) set({ type: 'Joined', status: 'False', reason: 'NotAccepted', message: `waiting for \`plinth fleet accept ${input.name}\`` });
  else if (input.csr === 'pending') set({ type: 'Joined', status: 'False', reason: 'CertificatePending', message: 'accepted; the certificate is being issued' });
  else if (input.csr === 'denied') set({ type: 'Joined', status: 'False', reason: 'RequestDenied', message: 'the join request was denied or failed; join again' });
  else set({ type: 'Joined', status: 'False', reason: 'NoRequest', message: `no join request; run \`plinth fleet join ${input.name}\` on the member` });

  const expiry = leaseExpiry(input.lease);
  const connected = expiry !== undefined && expiry > now.getTime();
  if (connected) set({ type: 'Connected', status: 'True', reason: 'LeaseRenewed', message: "the agent's Lease is current" });
  else if (expiry !== undefined) set({ type: 'Connected', status: 'False', reason: 'LeaseExpired', message: `no heartbeat since ${input.lease?.renewTime ?? input.lease?.acquireTime ?? ''}` });
  else set({ type: 'Connected', status: 'False', reason: 'NoLease', message: 'the agent has not connected' });

  const reported = prev.kubernetesVersion !== undefined || prev.agentVersion !== undefined;
  const ready = joined && connected && reported;
  set({
    type: 'Ready',
    status: ready ? 'True' : 'False',
    reason: ready ? 'AgentReporting' : !joined ? 'NotJoined' : !connected ? 'Disconnected' : 'NoReport',
    message: ready ? 'joined, connected and reporting' : !joined ? 'not joined' : !connected ? 'the agent is not connected' : 'the agent has not reported its cluster yet',
  });

  const heartbeat = input.lease?.renewTime ?? input.lease?.acquireTime;
  const status: MemberClusterStatusT = {
    ...prev,
    namespace: input.accepted ? memberNamespace(input.name) : undefined,
    ...(heartbeat ? { lastHeartbeat: rfc3339(new Date(heartbeat)) } : {}),
    ...(input.requestedLabels ? { requestedLabels: input.requestedLabels } : {}),
    conditions: conditions as MemberClusterStatusT['conditions'],
  };
  if (status.namespace === undefined) delete status.namespace;
  return { status, ...(connected && expiry !== undefined ? { recheckAfterMs: expiry - now.getTime() + 500 } : {}) };
}

/** Condition transitions worth an Event: [type, reason, message] per changed condition. */
export function conditionChanges(before: MemberClusterStatusT | undefined, after: MemberClusterStatusT): { type: 'Normal' | 'Warning'; reason: string; message: string }[] {
  const out: { type: 'Normal' | 'Warning'; reason: string; message: string }[] = [];
  for (const c of after.conditions ?? []) {
    const old = before?.conditions?.find((o) => o.type === c.type);
    if (old?.status === c.status) continue;
    if (old === undefined && c.status !== 'True') continue;
    const t = c.status === 'True' ? 'Normal' : 'Warning';
    const reason = `${c.type}${c.status === 'True' ? '' : 'Lost'}`;
    out.push({ type: t, reason: c.type === 'Connected' && c.status !== 'True' ? 'Disconnected' : reason, message: c.message ?? '' });
  }
  return out;
}
