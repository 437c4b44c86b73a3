import type { Lease } from './types.js';
import { NODE_UPGRADE_LOCK, type CellDeployment, type ReleaseOrder, type ReleasePolicy } from '../../api/index.js';
import type { KubeClient } from '../../kube/http.js';
import { isNotFound } from '../../kube/api-error.js';
import { CORE, inNamespace } from '../../kube/resource.js';
import { RES } from '../keys.js';
import type { PodTemplateLike } from '../plan/revision.js';
import { activeBlackout, blackoutProblems, checkParameters, formatProblems, nextAllowedStart } from '../plan/index.js';
import type { CheckContext, CheckResultT } from '../releaseorder/checks.js';
import { rfc3339 } from '../../kube/clock.js';

/** A pre-check's answer: undefined when it passed. */
export interface PreBlock {
  message: string;
  retryAfterMs: number;
}

const TERMINAL = new Set(['Completed', 'RolledBack', 'Superseded', 'Failed']);
const RECHECK_MS = 5000;
/** How often a blocked release looks at its policies again. */
export const POLICY_RECHECK_MS = 5000;

function policyName(p: ReleasePolicy): string {
  return p.metadata.name ?? '';
}

/** Blackout windows of one policy: blocked inside one until nextAllowedStart (fail closed on invalid windows). */
export function blackoutCheck(p: ReleasePolicy, now: Date): PreBlock | undefined {
  const windows = p.spec.preChecks?.blackoutWindows ?? [];
  if (windows.length === 0) return undefined;
  const problems = blackoutProblems(windows);
  if (problems.length > 0) {
    return { message: `ReleasePolicy ${policyName(p)} has invalid blackout windows: ${formatProblems(problems)}`, retryAfterMs: 60_000 };
  }
  const active = activeBlackout(windows, now);
  if (!active) return undefined;
  const next = nextAllowedStart(windows, now);
  const until = next ?? active.until;
  // Requeue at nextAllowedStart, but look again every few seconds: the controller does not watch policies, and a
  // window that was removed or shortened should let the release go on soon.
  return {
    message: `blackout window "${active.window}" of ReleasePolicy ${policyName(p)} is in force until ${until.toISOString()}`,
    retryAfterMs: Math.max(1000, Math.min(until.getTime() - now.getTime(), POLICY_RECHECK_MS)),
  };
}

/** Parameter checks on the target template. */
export function parameterCheck(p: ReleasePolicy, cd: CellDeployment): PreBlock | undefined {
  const params = p.spec.preChecks?.parameters;
  if (!params) return undefined;
  const problems = checkParameters(cd.spec.template as PodTemplateLike, params);
  if (problems.length === 0) return undefined;
  return { message: `ReleasePolicy ${policyName(p)}: ${formatProblems(problems)}`, retryAfterMs: 30_000 };
}

/**
 * Conflicts: another CellDeployment of the namespace with the same value of the system label has an active
 * release order created before this one (ties: the lower name goes first); or the upgrade lock Lease is held
 * (by default the one `plinth upgrade nodes` holds, NODE_UPGRADE_LOCK).
 */
export async function conflictCheck(client: KubeClient, p: ReleasePolicy, ctx: CheckContext): Promise<PreBlock | undefined> {
  const conflicts = p.spec.preChecks?.conflicts;
  if (!conflicts) return undefined;
  // The server defaults it; a policy stored before that default existed gets the same here.
  const lease = conflicts.upgradeLockLease ?? NODE_UPGRADE_LOCK;
  const held = await leaseHeld(client, lease.namespace, lease.name, ctx.now, ctx.signal);
  if (held) return { message: `the cluster-upgrade lock Lease ${lease.namespace}/${lease.name} is held by ${held}`, retryAfterMs: RECHECK_MS };
  const label = conflicts.systemLabel || 'plinth.dev/system';
  const system = ctx.cd.metadata.labels?.[label];
  if (system === undefined) return undefined;
  const ns = ctx.order.metadata.namespace ?? '';
  const others = await client.list<CellDeployment>(inNamespace(RES.cellDeployments, ns), { labelSelector: `${label}=${system}`, signal: ctx.signal });
  for (const other of others.items) {
    if (other.metadata.uid === ctx.cd.metadata.uid) continue;
    const orderName = other.status?.releaseOrder;
    if (!orderName) continue;
    let o: ReleaseOrder;
    try {
      o = await client.get<ReleaseOrder>(inNamespace(RES.releaseOrders, ns), orderName, { signal: ctx.signal });
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    if (TERMINAL.has(o.status?.phase ?? 'Pending')) continue;
    if (!earlier(o, ctx.order)) continue;
    return {
      message: `release ${orderName} of CellDeployment ${other.metadata.name ?? ''} is in progress on ${label}=${system}`,
      retryAfterMs: RECHECK_MS,
    };
  }
  return undefined;
}

function earlier(a: ReleaseOrder, b: ReleaseOrder): boolean {
  const ta = Date.parse(a.metadata.creationTimestamp ?? '');
  const tb = Date.parse(b.metadata.creationTimestamp ?? '');
  if (ta !== tb) return ta < tb;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '');
}

/** The holder of the Lease when it is held now (holderIdentity set and renewTime + duration not past). */
export async function leaseHeld(client: KubeClient, ns: string, name: string, now: Date, signal?: AbortSignal): Promise<string | undefined> {
  let l: Lease;
  try {
    l = await client.get<Lease>(inNamespace(CORE.leases, ns), name, { signal });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const holder = l.spec?.holderIdentity;
  if (!holder) return undefined;
  const renewed = Date.parse(l.spec?.renewTime ?? l.spec?.acquireTime ?? '');
  const duration = l.spec?.leaseDurationSeconds;
  if (Number.isFinite(renewed) && duration !== undefined && renewed + duration * 1000 <= now.getTime()) return undefined;
  return holder;
}

/** A pre-check the policy does not configure: it did not run. */
export const SKIPPED = 'skipped';

/** A pre check result for status.checks: Blocked, Passed, or Skipped when it did not run. */
export function preResult(name: string, batch: number, now: Date, block: PreBlock | undefined | typeof SKIPPED): CheckResultT {
  const at = rfc3339(now);
  if (block === SKIPPED) return { name, kind: 'pre', batch, result: 'Skipped', at, message: 'not configured in the policy' };
  return { name, kind: 'pre', batch, result: block ? 'Blocked' : 'Passed', at, ...(block ? { message: block.message } : {}) };
}
