// The MemberCluster controller (hub): join CSRs → MemberClusters; accepted members get their namespace and RBAC and
// their CSR approved; conditions Joined / Connected / Ready from the CSR and the agent's Lease, rechecked on a timer.
import { DONE, requeueAfter, runController, type Controller, type ReconcileContext, type Result } from '../../kube/controller.js';
import { EventRecorder } from '../../kube/events.js';
import type { KubeClient } from '../../kube/http.js';
import { Informer } from '../../kube/informer.js';
import type { KubeObject } from '../../kube/resource.js';
import { writeStatus } from '../../kube/status.js';
import type { LabelSelectorLike } from '../../kube/selector.js';
import type { ManagerContext } from '../../kube/module.js';
import { isNotFound, isAlreadyExists } from '../../kube/api-error.js';
import { FLEET_GROUP, FLEET_VERSION, type MemberCluster } from '../../api/index.js';
import { AGENT_LEASE, FLEET_NAMESPACE, memberOfNamespace } from '../names.js';
import { parseCsr } from './csr.js';
import { decideCsr, memberOfCsr, type JoinCsr, type MemberView } from './decide.js';
import { ensureObjects } from './ensure.js';
import { ANNOTATION_CSR, APPROVE_REASON, CLIENT_SIGNER, COMPONENT, FIELD_MANAGER, JOIN_USER, RENEW_REASON, RES } from './keys.js';
import { AGENT_CLUSTER_ROLE, agentClusterRoleObject, memberAccessObjects } from './rbac.js';
import { parseLabelSelector } from './selector-parse.js';
import { conditionChanges, memberStatus, type LeaseView } from './status.js';

type CsrCondition = { type: string; status?: string; reason?: string; message?: string; lastUpdateTime?: string };
/** A CSR as cached: the parts the controller reads, the request parsed once. */
export type CsrObject = KubeObject & {
  spec: { signerName: string; username?: string; request?: string };
  status?: { certificate?: string; conditions?: CsrCondition[] };
  join?: JoinCsr;
};
type LeaseObject = KubeObject & { spec?: LeaseView };

export interface MemberControllerOptions {
  client: KubeClient;
  signal: AbortSignal;
  /** Label selector (kubectl syntax): members whose requested labels match are accepted at once. */
  autoAccept?: string;
  workers?: number;
}

const BY_MEMBER = 'byMember';

function toJoinCsr(obj: KubeObject): CsrObject {
  const o = obj as CsrObject;
  delete o.metadata?.managedFields;
  const conds = o.status?.conditions ?? [];
  let parsed: { commonName?: string; organizations?: string[]; signatureValid: boolean } = { signatureValid: false };
  try {
    parsed = parseCsr(o.spec.request ?? '');
  } catch {
    // not a parseable request: a join CSR like that is denied
  }
  let labels: Record<string, string> = {};
  try {
    const raw = JSON.parse(o.metadata?.annotations?.['fleet.plinth.dev/requested-labels'] ?? '{}') as unknown;
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) labels = Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'string'));
  } catch {
    labels = {};
  }
  o.join = {
    name: o.metadata?.name ?? '',
    signerName: o.spec.signerName,
    requester: o.spec.username ?? '',
    ...(parsed.commonName !== undefined ? { commonName: parsed.commonName } : {}),
    ...(parsed.organizations ? { organizations: parsed.organizations } : {}),
    signatureValid: parsed.signatureValid,
    requestedLabels: labels,
    decided: conds.some((c) => ['Approved', 'Denied', 'Failed'].includes(c.type) && c.status !== 'False'),
    issued: (o.status?.certificate ?? '') !== '',
  };
  delete o.spec.request;
  return o;
}

/** Start the controller; resolves through `done` when the signal aborts. */
export function startMemberClusterController(opts: MemberControllerOptions): Controller {
  const { client } = opts;
  const autoAccept: LabelSelectorLike | undefined = opts.autoAccept ? parseLabelSelector(opts.autoAccept) : undefined;
  const joinUser = JOIN_USER(FLEET_NAMESPACE);
  const members = new Informer<KubeObject>({ client, resource: RES.memberClusters });
  const getMember = (name: string): MemberCluster | undefined => members.get(name) as unknown as MemberCluster | undefined;
  const kube = (m: MemberCluster): KubeObject => m as unknown as KubeObject;
  const csrs = new Informer<CsrObject>({
    client,
    resource: RES.csrs,
    fieldSelector: `spec.signerName=${CLIENT_SIGNER}`,
    transform: toJoinCsr,
    indexers: { [BY_MEMBER]: (o) => (o.join ? memberOfCsr(o.join) : undefined) },
  });
  const leases = new Informer<LeaseObject>({ client, resource: RES.leases, fieldSelector: `metadata.name=${AGENT_LEASE}` });
  const events = new EventRecorder({ client, component: COMPONENT });
  /** uid/generation of members whose namespace and RBAC this process applied (re-applied after a restart). */
  const ensured = new Set<string>();

  const controller = runController({
    name: 'membercluster',
    informers: [
      members,
      { informer: csrs, keys: (o: CsrObject) => (o.join ? memberOfCsr(o.join) : undefined) },
      { informer: leases, keys: (o: LeaseObject) => memberOfNamespace(o.metadata?.namespace ?? '') },
    ],
    workers: opts.workers ?? 2,
    signal: opts.signal,
    reconcile,
  });

  /** The shared agent ClusterRole: deploy/hub installs it; a local hub gets it from here (created once when missing). */
  let agentRole: Promise<void> | undefined;
  const ensureAgentRole = (signal: AbortSignal): Promise<void> =>
    (agentRole ??= (async () => {
      try {
        await client.get(RES.clusterRoles, AGENT_CLUSTER_ROLE, { signal });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await client.create(RES.clusterRoles, agentClusterRoleObject(), { fieldManager: FIELD_MANAGER, signal }).catch((e: unknown) => {
          if (!isAlreadyExists(e)) throw e;
        });
      }
    })().catch((err: unknown) => {
      agentRole = undefined;
      throw err;
    }));

  async function reconcile(name: string, rc: ReconcileContext): Promise<Result> {
    const signal = rc.signal;
    let mc = getMember(name);
    const view = (m: MemberCluster | undefined): MemberView | undefined =>
      m ? { accepted: m.spec?.accepted === true, joined: m.status?.conditions?.some((c) => c.type === 'Joined' && c.status === 'True') === true, ...(m.metadata?.annotations?.[ANNOTATION_CSR] ? { csr: m.metadata.annotations[ANNOTATION_CSR] } : {}) } : undefined;

    // 1. Join requests.
    for (const csr of csrs.byIndex(BY_MEMBER, name)) {
      const join = csr.join;
      if (!join) continue;
      const d = decideCsr(join, name, joinUser, view(mc), autoAccept);
      switch (d.action) {
        case 'deny':
          await decide(csr, 'Denied', d.reason, d.message, signal);
          if (mc) events.warning(kube(mc), 'JoinDenied', `${join.name}: ${d.message}`);
          rc.log.info({ member: name, csr: join.name, reason: d.reason }, 'join request denied');
          break;
        case 'create':
          mc = await createMember(name, join, d.labels, d.accepted, signal);
          events.normal(kube(mc), 'JoinRequested', `${join.name} asks to join${d.accepted ? '; accepted by the auto-accept policy' : `; accept with \`plinth fleet accept ${name}\``}`);
          break;
        case 'approve':
          // Step 1 approves renewals only (the agent's own CSR, decideRenewal); a join is approved in step 2, after its RBAC.
          if (join.requester !== joinUser && mc) {
            await own(csr, mc, signal);
            await decide(csr, 'Approved', RENEW_REASON, `member ${name} renews its certificate`, signal);
            events.normal(kube(mc), 'CertificateRenewed', `approved ${join.name}: the agent renews its client certificate`);
            rc.log.info({ member: name, csr: join.name }, 'certificate renewal approved');
          }
          break;
        case 'adopt':
          if (mc) {
            mc = await client.patch<MemberCluster>(RES.memberClusters, name, { metadata: { annotations: { [ANNOTATION_CSR]: join.name } } }, 'merge', { fieldManager: FIELD_MANAGER, signal });
            await own(csr, mc, signal);
            events.normal(kube(mc), 'JoinRequested', `${join.name} asks to join again`);
          }
          break;
        default:
          break;
      }
    }
    if (!mc) return DONE;

    // 2. Accepted: namespace and RBAC, then the certificate.
    const accepted = mc.spec?.accepted === true;
    const current = mc.metadata?.annotations?.[ANNOTATION_CSR];
    const currentCsr = current ? csrs.get(current) : undefined;
    if (accepted && mc.metadata?.deletionTimestamp === undefined) {
      const mark = `${mc.metadata?.uid ?? ''}/${mc.metadata?.generation ?? 0}`;
      if (!ensured.has(mark)) {
        await ensureAgentRole(signal);
        await ensureObjects(client, memberAccessObjects(name, { name, uid: mc.metadata?.uid ?? '' }), { signal });
        ensured.add(mark);
      }
      if (currentCsr?.join && decideCsr(currentCsr.join, name, joinUser, view(mc), autoAccept).action === 'approve') {
        await decide(currentCsr, 'Approved', APPROVE_REASON, `member ${name} accepted on the hub`, signal);
        events.normal(kube(mc), 'JoinApproved', `approved ${currentCsr.join.name}; the agent gets its certificate`);
      }
    }

    // 3. Status.
    const csrState = !currentCsr?.join ? 'missing' : currentCsr.join.issued ? 'issued' : currentCsr.status?.conditions?.some((c) => (c.type === 'Denied' || c.type === 'Failed') && c.status !== 'False') ? 'denied' : 'pending';
    const lease = leases.get(`${mc.status?.namespace ?? `plinth-member-${name}`}/${AGENT_LEASE}`)?.spec;
    const requestedLabels = currentCsr?.join?.requestedLabels;
    let recheck: number | undefined;
    const before = mc.status;
    const res = await writeStatus<KubeObject & { status?: MemberCluster['status']; spec?: MemberCluster['spec'] }>({
      client,
      resource: RES.memberClusters,
      name,
      current: kube(mc),
      signal,
      desired: (obj) => {
        const out = memberStatus({ name, accepted: obj.spec?.accepted === true, status: obj.status, csr: csrState, lease, ...(requestedLabels ? { requestedLabels } : {}), now: new Date() });
        recheck = out.recheckAfterMs;
        return out.status;
      },
    }).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (res?.changed) for (const e of conditionChanges(before, res.object.status ?? {})) events.event(res.object, e.type, e.reason, e.message);
    return recheck !== undefined ? requeueAfter(recheck) : DONE;
  }

  async function createMember(name: string, join: JoinCsr, labels: Record<string, string>, accepted: boolean, signal: AbortSignal): Promise<MemberCluster> {
    const body = {
      apiVersion: `${FLEET_GROUP}/${FLEET_VERSION}`,
      kind: 'MemberCluster',
      metadata: { name, labels, annotations: { [ANNOTATION_CSR]: join.name } },
      spec: { accepted },
    };
    let mc: MemberCluster;
    try {
      mc = await client.create<MemberCluster>(RES.memberClusters, body, { fieldManager: FIELD_MANAGER, signal });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      mc = await client.get<MemberCluster>(RES.memberClusters, name, { signal });
    }
    const csr = csrs.get(join.name);
    if (csr) await own(csr, mc, signal);
    return mc;
  }

  /** Make the CSR owned by its MemberCluster, so leaving removes it too. */
  async function own(csr: CsrObject, mc: MemberCluster, signal: AbortSignal): Promise<void> {
    const ownerReferences = [{ apiVersion: `${FLEET_GROUP}/${FLEET_VERSION}`, kind: 'MemberCluster', name: mc.metadata?.name ?? '', uid: mc.metadata?.uid ?? '' }];
    await client.patch(RES.csrs, csr.metadata?.name ?? '', { metadata: { ownerReferences } }, 'merge', { fieldManager: FIELD_MANAGER, signal }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  /** Approve or deny through the /approval subresource. */
  async function decide(csr: CsrObject, type: 'Approved' | 'Denied', reason: string, message: string, signal: AbortSignal): Promise<void> {
    const name = csr.metadata?.name ?? '';
    const fresh = await client.get<CsrObject>(RES.csrs, name, { signal });
    const conditions = [...(fresh.status?.conditions ?? []), { type, status: 'True', reason, message, lastUpdateTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }];
    await client.replace(RES.csrs, name, { ...fresh, status: { ...fresh.status, conditions } }, { subresource: 'approval', signal });
  }

  // The informers are this controller's own: they stop with it.
  const done = controller.done.then(async () => {
    await Promise.all([members.stop(), csrs.stop(), leases.stop()]);
  });
  return { name: controller.name, queue: controller.queue, ready: controller.ready, done, stop: async (o) => { await controller.stop(o); await done; } };
}

/** The manager's entry point (a ControllerModule's start). */
export async function runMemberClusterController(ctx: ManagerContext, opts: { autoAccept?: string } = {}): Promise<void> {
  const c = startMemberClusterController({ client: ctx.client, signal: ctx.signal, ...(opts.autoAccept ? { autoAccept: opts.autoAccept } : {}) });
  await c.done;
}
