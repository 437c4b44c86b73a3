// The member agent: outbound only, with its own hub identity. See docs/fleet/agent.md.
import { errorMessage } from '../../errors/index.js';
import { runController, type Controller } from '../../kube/controller.js';
import { Discovery } from '../../kube/discovery.js';
import { KubeClient } from '../../kube/http.js';
import { Informer } from '../../kube/informer.js';
import { logger } from '../../kube/log.js';
import { ensureNamespace } from '../../kube/namespaces.js';
import { retry } from '../../kube/retry.js';
import { memberNamespace } from '../names.js';
import { MemberApplier } from './applier.js';
import { CLUSTER_DELIVERIES, DeliveryReconciler, preparedOf } from './deliveries.js';
import { DriftWatcher } from './drift.js';
import { runHeartbeat } from './heartbeat.js';
import { hubCredential } from './hub.js';
import { kubeConfigFromText } from './kubeconfig-lite.js';
import { RecordStore } from './record.js';
import { DEFAULT_RENEW_FRACTION, renewWhenDue } from './renew.js';

export interface AgentOptions {
  /** The member's name in the fleet (its MemberCluster). */
  cluster: string;
  /** A client of the member cluster (the agent applies there and keeps its records there). */
  member: KubeClient;
  /** The hub kubeconfig file; else the member Secret `<namespace>/plinth-agent-hub` key `kubeconfig`. */
  hubKubeconfig?: string;
  /** The member namespace of the agent's records and hub Secret (default plinth-system). */
  namespace: string;
  agentVersion: string;
  /** Bench only (bench/fleet-scale): renames the namespaces of the applied objects (simulated members sharing one cluster). */
  mapNamespace?: (namespace: string) => string;
  /** Renew the hub client certificate at this fraction of its life (default 0.8; 0 renews at once, for tests). */
  certRenewFraction?: number;
  /** Stops the agent (SIGTERM). */
  signal: AbortSignal;
}

/**
 * Run the agent until the signal aborts: drift correction from the records kept in the member starts at
 * once (the hub may be away); the ClusterDeliveries of `plinth-member-NAME` on the hub are applied as they
 * come; the Lease and MemberCluster status are renewed. Throws FLEET_AGENT_NO_HUB_CREDENTIAL without a hub credential.
 */
export async function runAgent(o: AgentOptions): Promise<void> {
  const log = logger('agent', { cluster: o.cluster });
  const cred = await hubCredential({ cluster: o.cluster, file: o.hubKubeconfig, member: o.member, namespace: o.namespace, signal: o.signal });
  await retry(() => ensureNamespace(o.member, o.namespace, o.signal), { attempts: 10, signal: o.signal });
  const store = new RecordStore(o.member, o.namespace);
  const applier = new MemberApplier(o.member, new Discovery(o.member), log, o.mapNamespace);
  // Keys to reconcile that come before the controller runs (records, early drift) wait here.
  const ctl: { controller?: Controller; early: Set<string> } = { early: new Set() };
  const enqueue = (key: string): void => {
    if (ctl.controller) ctl.controller.queue.add(key);
    else ctl.early.add(key);
  };
  // A change of an applied object (its rollout progressing) re-checks the delivery's health at once, not at the next poll.
  const drift = new DriftWatcher(o.member, applier, log, enqueue, enqueue);

  // Drift correction from the member alone, before (and without) the hub.
  const records = await retry(() => store.list(o.signal), { attempts: 10, signal: o.signal });
  for (const s of records) {
    try {
      const prepared = await preparedOf(applier, s);
      if (prepared) drift.set(s.record.delivery, s.record.drift, prepared, s.record.driftCounts);
    } catch (err) {
      log.warn({ delivery: s.record.delivery, err: errorMessage(err) }, 'could not restore the desired state of a record');
    }
    enqueue(s.record.delivery);
  }
  log.info({ records: records.length }, 'agent started');

  // The hub side runs as a session per credential: a renewed certificate ends it and a new one starts with the new
  // kubeconfig. The member side (records, drift correction) runs on throughout.
  let kc = cred.kc;
  let text = cred.text;
  let lastRenewal: number | undefined;
  for (;;) {
    const session = new AbortController();
    const stopSession = (): void => session.abort();
    o.signal.addEventListener('abort', stopSession, { once: true });
    const hub = await KubeClient.fromKubeConfig(kc, { userAgent: `plinth-agent/${o.agentVersion}`, requestTimeoutMs: 15_000 });
    const deliveries = new Informer({
      client: hub,
      resource: { ...CLUSTER_DELIVERIES, namespace: memberNamespace(o.cluster) },
      name: 'clusterdeliveries',
      // Catch up soon after the hub returns (the default backoff grows to 30 s).
      backoff: { initialMs: 200, maxMs: 5_000 },
    });
    const reconciler = new DeliveryReconciler({ hub, hubKc: kc, deliveries, store, applier, drift });
    const controller = runController({ name: 'fleet-agent', informers: [deliveries], reconcile: (k, ctx) => reconciler.reconcile(k, ctx), workers: 2, signal: session.signal });
    ctl.controller = controller;
    for (const k of ctl.early) controller.queue.add(k);
    ctl.early.clear();
    const heartbeat = runHeartbeat({ cluster: o.cluster, hub, member: o.member, agentVersion: o.agentVersion, log, signal: session.signal });
    log.info({ hub: hub.server }, 'hub session started');

    const renewed = await renewWhenDue({ cluster: o.cluster, hub, text, home: cred.home, fraction: o.certRenewFraction ?? DEFAULT_RENEW_FRACTION, ...(lastRenewal !== undefined ? { lastRenewal } : {}), log, signal: session.signal }).catch((err: unknown) => {
      log.warn({ err: errorMessage(err) }, 'certificate renewal stopped');
      return undefined;
    });
    // Not renewable (a token, a certificate file) or stopping: the session runs until the agent stops.
    if (renewed === undefined) await abortedOf(session.signal);
    ctl.controller = undefined;
    session.abort();
    o.signal.removeEventListener('abort', stopSession);
    await controller.stop();
    await Promise.all([deliveries.stop(), heartbeat]);
    hub.close();
    if (renewed === undefined || o.signal.aborted) break;
    text = renewed;
    lastRenewal = Date.now();
    kc = await kubeConfigFromText(renewed, 'the renewed hub kubeconfig');
    log.info('hub session restarting with the renewed certificate');
  }
  log.info('stopping');
  await drift.stop();
  log.info('stopped');
}

function abortedOf(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
