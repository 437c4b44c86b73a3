/** The shapes of the console API's answers (docs/console.md, the console contract). */
export interface SessionInfo {
  user: string;
  groups: string[];
  csrfToken: string;
  expiresAt: string;
}

export interface SessionConfig {
  oidc: { enabled: boolean; issuer?: string; loginUrl?: string };
  tokenLogin: boolean;
}

export interface Page<T> {
  items: T[];
  continue: string | null;
  remainingItemCount?: number | null;
}

export interface ReleaseSummary {
  namespace: string;
  name: string;
  phase: string | null;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  release: {
    name: string;
    phase: string;
    currentBatch: { index: number; number: number } | null;
    batchCount: number;
    fromRevision: string;
    toRevision: string;
    confirmedBatches: number;
    paused: boolean;
    rollback: boolean;
  } | null;
}

export type PodState = 'waiting' | 'draining' | 'updating' | 'ready' | 'failed';

export interface PodView {
  name: string;
  unit: string;
  node: string | null;
  revision: string;
  batch: number | null;
  state: PodState;
  ready: boolean;
}

export interface BatchView {
  index: number;
  number: number;
  phase: string;
  units: string[];
  pods: string[];
  startedAt: string | null;
  finishedAt: string | null;
}

export interface CheckView {
  name: string;
  kind: 'pre' | 'post';
  batch?: number;
  result: string;
  message?: string;
  at: string;
}

export interface HistoryView {
  at: string;
  by: string;
  action: string;
  batch?: number;
  message?: string;
}

export interface ReleaseStatus {
  namespace: string;
  releaseOrder: string;
  target: { kind: string; name: string };
  phase: string;
  fromRevision: string;
  toRevision: string;
  spec: { confirmedBatches: number; paused: boolean; rollback: boolean };
  currentBatch: { index: number; number: number } | null;
  batchCount: number;
  pods: { total: number; done: number };
  batches: BatchView[];
  units: Array<{ name: string; replicas: number; readyReplicas: number; updatedReplicas: number }>;
  checks: CheckView[];
  next: { action: string; message: string; command: string | null };
}

export interface ReleaseDetail {
  status: ReleaseStatus;
  pods: PodView[];
  history: HistoryView[];
}

export interface ChangeEvent {
  type: string;
  kind: string;
  namespace: string;
  name: string;
  resourceVersion: string;
  summary: Record<string, unknown>;
}

export interface NodeCounts {
  total: number;
  ready: number;
  byZone: Record<string, number>;
  byArch: Record<string, number>;
}

export interface Overview {
  hub: { name: string; kubernetesVersion: string; nodes: NodeCounts };
  members: Array<{
    name: string;
    tier?: string;
    region?: string;
    arch?: string;
    accepted?: boolean;
    joined?: boolean;
    connected?: boolean;
    ready?: boolean;
    kubernetesVersion?: string;
    agentVersion?: string;
    lastHeartbeat?: string | null;
    nodes?: NodeCounts;
  }>;
  fleetEnabled: boolean;
  membersError?: { code: string; message: string };
}

export interface Readiness {
  target: string;
  blockers: Array<{ rule: string; severity: string; object: { kind: string; namespace?: string | null; name: string }; message: string; fix: string }>;
  counts: { blocker: number; warning: number; info: number };
}

export interface NodeRunItem {
  name: string;
  phase: string;
  startedAt: string | null;
  target: string;
  nodes: { total: number; done: number; failed: number; inFlight: number };
  window: number | string;
}

export interface NodeRunDetail {
  run: NodeRunItem;
  nodes: Array<{ name: string; zone: string; phase: string; startedAt: string | null; finishedAt: string | null; seconds: number | null; waitingFor: string | null }>;
  control?: unknown;
}

export interface PhaseView {
  name: string;
  phase: string;
  startedAt: string | null;
  finishedAt: string | null;
  seconds: number | null;
}

export interface SwitchItem {
  name: string;
  phase?: string;
  phases: PhaseView[];
  canRollback: boolean;
}

export interface SourceItem {
  namespace: string;
  name: string;
  url: string;
  ref: string;
  commit: string;
  fetchedAt: string | null;
  ready: boolean;
  message: string;
}

export interface DeliveryItem {
  namespace: string;
  name: string;
  source: string;
  path: string;
  revision: string;
  phase: string;
  waves: Array<{ name: string; phase: string; revision: string }>;
  clusters: { placed: number; applied: number; healthy: number; failed: number; disconnected: number };
  paused: boolean;
  waitingWave: string | null;
}

export interface DeliveryDetail {
  delivery: DeliveryItem;
  clusters: Array<{
    cluster: string;
    wave: string;
    desiredRevision: string;
    appliedRevision: string;
    phase: string;
    healthy: boolean;
    drift: { detected: number; corrected: number };
    failures: Array<{ object: string; message: string }>;
    lastAppliedAt: string | null;
  }>;
  history: Array<{ at: string; by: string; action: string; wave?: string; message?: string }>;
  hiddenClusters?: number;
}

export interface AuditItem {
  at: string;
  by: string;
  action: string;
  kind: string;
  namespace: string | null;
  name: string;
  cluster: string | null;
  message: string | null;
}
