/**
 * Pure views of the fleet for the console's API: a GitSource row, a FleetDelivery row, one cluster's row of a
 * delivery (from its ClusterDelivery), a MemberCluster row of the overview and node counts by zone and arch.
 */
import type { V1Node } from '@kubernetes/client-node';
import type { ClusterDelivery, FleetDelivery, GitSource, MemberCluster } from '../../api/index.js';
import { LABEL_ARCH, LABEL_CLUSTER, LABEL_REGION, LABEL_TIER, memberOfNamespace } from '../../fleet/names.js';

export interface SourceItem {
  namespace: string;
  name: string;
  url: string;
  /** The branch, tag or commit followed (see refKind). */
  ref: string;
  refKind: 'branch' | 'tag' | 'commit' | null;
  commit: string | null;
  fetchedAt: string | null;
  ready: boolean;
  message: string | null;
}

interface Condition {
  type: string;
  status: string;
  message?: string;
}

function condition(conds: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conds?.find((c) => c.type === type);
}

export function sourceItem(s: GitSource): SourceItem {
  const r = s.spec?.ref ?? {};
  const refKind = r.branch !== undefined ? 'branch' : r.tag !== undefined ? 'tag' : r.commit !== undefined ? 'commit' : null;
  const ready = condition(s.status?.conditions, 'Ready');
  return {
    namespace: s.metadata.namespace ?? '',
    name: s.metadata.name ?? '',
    url: s.spec?.url ?? '',
    ref: r.branch ?? r.tag ?? r.commit ?? '',
    refKind,
    commit: s.status?.commit ?? null,
    fetchedAt: s.status?.fetchedAt ?? null,
    ready: ready?.status === 'True',
    message: ready?.message ?? null,
  };
}

export interface DeliveryItem {
  namespace: string;
  name: string;
  source: string;
  path: string;
  revision: string | null;
  phase: string;
  waves: Array<{ name: string; phase: string; revision: string | null }>;
  clusters: { placed: number; applied: number; healthy: number; failed: number; disconnected: number };
  paused: boolean;
  waitingWave: string | null;
}

export function deliveryItem(fd: FleetDelivery): DeliveryItem {
  const st = fd.status;
  const c = st?.clusters;
  return {
    namespace: fd.metadata.namespace ?? '',
    name: fd.metadata.name ?? '',
    source: fd.spec?.sourceRef?.name ?? '',
    path: fd.spec?.path ?? '',
    revision: st?.revision ?? null,
    phase: st?.phase ?? 'Pending',
    waves: (st?.waves ?? []).map((w) => ({ name: w.name, phase: w.phase, revision: w.revision ?? null })),
    clusters: { placed: c?.placed ?? 0, applied: c?.applied ?? 0, healthy: c?.healthy ?? 0, failed: c?.failed ?? 0, disconnected: c?.disconnected ?? 0 },
    paused: fd.spec?.paused === true,
    waitingWave: st?.waves?.find((w) => w.phase === 'WaitingForConfirm')?.name ?? null,
  };
}

export interface ClusterRow {
  cluster: string;
  /** The wave the cluster is in (null when the user may not list MemberClusters, or it is no longer placed). */
  wave: string | null;
  desiredRevision: string;
  appliedRevision: string | null;
  /** Pending (its agent has not applied the desired sequence yet), Failed (failures reported), else the health it reports. */
  phase: string;
  healthy: boolean;
  drift: { detected: number; corrected: number };
  failures: Array<{ object: string; message: string }>;
  lastAppliedAt: string | null;
}

/** The cluster a ClusterDelivery is for: its label, else its member namespace. */
export function clusterOf(cd: ClusterDelivery): string {
  return cd.metadata.labels?.[LABEL_CLUSTER] ?? memberOfNamespace(cd.metadata.namespace ?? '') ?? '';
}

export function clusterRow(cd: ClusterDelivery, wave: string | null): ClusterRow {
  const st = cd.status;
  const applied = (st?.appliedSequence ?? -1) >= cd.spec.sequence;
  const failures = (st?.failures ?? []).map((f) => ({ object: `${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name}`, message: f.message }));
  const phase = !applied ? 'Pending' : failures.length > 0 ? 'Failed' : (st?.health ?? 'Unknown');
  return {
    cluster: clusterOf(cd),
    wave,
    desiredRevision: cd.spec.revision,
    appliedRevision: st?.appliedRevision ?? null,
    phase,
    healthy: applied && st?.health === 'Healthy',
    drift: { detected: st?.drift?.detected ?? 0, corrected: st?.drift?.corrected ?? 0 },
    failures,
    lastAppliedAt: st?.lastAppliedAt ?? null,
  };
}

export interface NodeCounts {
  total: number;
  ready: number;
  byZone: Record<string, number>;
  byArch: Record<string, number>;
}

const ZONE_LABEL = 'topology.kubernetes.io/zone';
const ARCH_LABEL = 'kubernetes.io/arch';

function add(m: Record<string, number>, k: string, n: number): void {
  m[k] = (m[k] ?? 0) + n;
}

/** Pure: the hub's nodes counted (a node without a zone or arch label counts under ""). */
export function nodeCounts(nodes: readonly V1Node[]): NodeCounts {
  const out: NodeCounts = { total: 0, ready: 0, byZone: {}, byArch: {} };
  for (const n of nodes) {
    out.total++;
    if (n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) out.ready++;
    add(out.byZone, n.metadata?.labels?.[ZONE_LABEL] ?? '', 1);
    add(out.byArch, n.metadata?.labels?.[ARCH_LABEL] ?? n.status?.nodeInfo?.architecture ?? '', 1);
  }
  return out;
}

export interface MemberItem {
  name: string;
  tier: string | null;
  region: string | null;
  arch: string | null;
  accepted: boolean;
  joined: boolean;
  connected: boolean;
  ready: boolean;
  kubernetesVersion: string | null;
  agentVersion: string | null;
  lastHeartbeat: string | null;
  nodes: NodeCounts;
}

export function memberItem(m: MemberCluster): MemberItem {
  const st = m.status;
  const labels = m.metadata.labels ?? {};
  const is = (type: string): boolean => condition(st?.conditions, type)?.status === 'True';
  const nodes: NodeCounts = { total: 0, ready: 0, byZone: {}, byArch: {} };
  for (const n of st?.nodes ?? []) {
    nodes.total += n.count;
    nodes.ready += n.ready ?? 0;
    add(nodes.byZone, n.zone ?? '', n.count);
    add(nodes.byArch, n.arch ?? '', n.count);
  }
  if (nodes.total === 0 && st?.nodeCount) nodes.total = st.nodeCount;
  return {
    name: m.metadata.name ?? '',
    tier: labels[LABEL_TIER] ?? null,
    region: labels[LABEL_REGION] ?? null,
    arch: labels[LABEL_ARCH] ?? null,
    accepted: m.spec?.accepted === true,
    joined: is('Joined'),
    connected: is('Connected'),
    ready: is('Ready'),
    kubernetesVersion: st?.kubernetesVersion ?? null,
    agentVersion: st?.agentVersion ?? null,
    lastHeartbeat: st?.lastHeartbeat ?? null,
    nodes,
  };
}
