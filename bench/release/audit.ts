// Who wrote what: the API server's audit log (Metadata level, write verbs only) attributes every write to a
// client (user agent / user), which `apiserver_request_total` cannot.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: None
  verbs: ["get", "list", "watch"]
- level: Metadata
`;

/** Writes the policy into `dir` and returns the kube-apiserver flags that log to `<dir>/audit.log`. */
export function auditArgs(dir: string): { args: string[]; logPath: string } {
  const policy = join(dir, 'audit-policy.yaml');
  const logPath = join(dir, 'audit.log');
  writeFileSync(policy, POLICY);
  return {
    args: [`--audit-policy-file=${policy}`, `--audit-log-path=${logPath}`, '--audit-log-format=json', '--audit-log-mode=blocking', '--audit-log-maxsize=0'],
    logPath,
  };
}

interface AuditEvent {
  stage?: string;
  verb?: string;
  userAgent?: string;
  user?: { username?: string };
  objectRef?: { resource?: string; subresource?: string; namespace?: string };
  requestReceivedTimestamp?: string;
  responseStatus?: { code?: number };
}

/** A short name for the client that made a request. */
export function actorOf(e: AuditEvent): string {
  const ua = e.userAgent ?? '';
  const user = e.user?.username ?? '';
  if (ua.startsWith('plinth-manager')) return 'plinth-manager';
  if (ua.startsWith('plinth-bench')) return 'bench (this process)';
  if (user.startsWith('system:serviceaccount:kube-system:')) return `kube-controller-manager/${user.slice('system:serviceaccount:kube-system:'.length)}`;
  if (user === 'system:kube-controller-manager' || ua.includes('kube-controller-manager')) return 'kube-controller-manager';
  if (user === 'system:kube-scheduler' || ua.includes('kube-scheduler')) return 'kube-scheduler';
  if (ua.includes('kwok') || user.includes('kwok')) return 'kwok';
  if (user.startsWith('system:apiserver') || ua.includes('kube-apiserver')) return 'kube-apiserver';
  return `${user} (${ua.split(' ')[0] ?? ''})`;
}

export interface AuditRow {
  actor: string;
  what: string;
  count: number;
}

/** Writes logged from byte `fromOffset` on, received in [fromMs, toMs]: rows by actor and `verb resource[/sub]`. */
export function auditWrites(logPath: string, fromOffset: number, fromMs: number, toMs: number): { rows: AuditRow[]; byActor: Map<string, number>; total: number } {
  const text = readFileSync(logPath).subarray(fromOffset).toString('utf8');
  const counts = new Map<string, AuditRow>();
  const byActor = new Map<string, number>();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    let e: AuditEvent;
    try {
      e = JSON.parse(line) as AuditEvent;
    } catch {
      continue;
    }
    if (e.stage !== 'ResponseComplete' && e.stage !== 'Panic') continue;
    if (!['create', 'update', 'patch', 'delete', 'deletecollection'].includes(e.verb ?? '')) continue;
    const t = Date.parse(e.requestReceivedTimestamp ?? '');
    if (!(t >= fromMs && t <= toMs)) continue;
    const actor = actorOf(e);
    const res = e.objectRef?.subresource ? `${e.objectRef.resource}/${e.objectRef.subresource}` : (e.objectRef?.resource ?? '?');
    const what = `${e.verb} ${res}`;
    const key = `${actor}\u0000${what}`;
    const row = counts.get(key) ?? { actor, what, count: 0 };
    row.count++;
    counts.set(key, row);
    byActor.set(actor, (byActor.get(actor) ?? 0) + 1);
    total++;
  }
  const rows = [...counts.values()].sort((a, b) => a.actor.localeCompare(b.actor) || b.count - a.count);
  return { rows, byActor, total };
}

export function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}
