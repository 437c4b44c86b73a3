import type { V1Namespace, V1Pod } from '@kubernetes/client-node';
import type { SidecarSet } from '../../api/release/sidecarset.js';
import { DONE, requeueAfter, runController } from '../../kube/controller.js';
import type { KubeClient } from '../../kube/http.js';
import { Informer } from '../../kube/informer.js';
import type { Logger } from '../../kube/log.js';
import { ref, type KubeObject } from '../../kube/resource.js';
import { setCondition, writeStatus } from '../../kube/status.js';
import { Discovery } from '../../kube/discovery.js';
import { EventRecorder } from '../../kube/events.js';
import { COMPONENT, RELEASE_API_VERSION } from '../keys.js';
import { SLICES_BY_POD_UID, slicePodUids, type EndpointSliceLike } from '../pod/endpoints.js';
import { validCondition } from './conflicts.js';
import { SIDECAR_KEYS } from './inject.js';
import { serveWebhook } from './server.js';
import { makeServingCert } from '../../kube/serving-cert.js';
import { countPods } from './status.js';
import { SidecarChecks } from './checks.js';
import { pauseSidecarSet, syncSidecarUpgrade } from './drain-sync.js';
import { applyWebhookConfiguration, webhookConfiguration } from './webhook-config.js';

export const SIDECAR_SETS = ref(RELEASE_API_VERSION, 'sidecarsets');
const NAMESPACES = ref('v1', 'namespaces');
const PODS = ref('v1', 'pods');
/** The queue key of the webhook configuration (SidecarSet names cannot contain a '~'). */
const CONFIG_KEY = '~webhook-configuration';

export interface SidecarInjectorOptions {
  /** Listen address (default 127.0.0.1: local clusters' API servers run on loopback). */
  host: string;
  /** Listen port; 0 picks a free port (default). */
  port: number;
  /**
   * How the API server reaches the webhook: a URL (default https://127.0.0.1:<port>/mutate-pods) or, in a real
   * cluster, a Service in front of the manager ("namespace/name:port").
   */
  url?: string;
  service?: { namespace: string; name: string; port: number };
}

/** Options from PLINTH_SIDECAR_WEBHOOK_{HOST,PORT,URL,SERVICE} (SERVICE: namespace/name:port). */
export function sidecarInjectorOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SidecarInjectorOptions {
  const svc = /^([a-z0-9-]+)\/([a-z0-9-]+):([0-9]+)$/.exec(env['PLINTH_SIDECAR_WEBHOOK_SERVICE'] ?? '');
  return {
    host: env['PLINTH_SIDECAR_WEBHOOK_HOST'] ?? '127.0.0.1',
    port: Number(env['PLINTH_SIDECAR_WEBHOOK_PORT'] ?? 0),
    url: env['PLINTH_SIDECAR_WEBHOOK_URL'],
    service: svc ? { namespace: svc[1]!, name: svc[2]!, port: Number(svc[3]) } : undefined,
  };
}

/** Native sidecars (init containers with restartPolicy Always) are on by default from Kubernetes 1.29. */
export async function clusterHasNativeSidecars(client: KubeClient, signal?: AbortSignal): Promise<boolean> {
  const v = await client.request<{ major: string; minor: string }>({ method: 'GET', path: '/version', signal });
  const major = Number.parseInt(v.major, 10);
  const minor = Number.parseInt(v.minor, 10);
  return major > 1 || (major === 1 && minor >= 29);
}

/**
 * The sidecar injector: serves the mutating webhook over TLS with a certificate made at start, keeps the
 * MutatingWebhookConfiguration `plinth-sidecar-injector` (CA bundle, one entry per SidecarSet) in step with the
 * SidecarSets, writes each set's status (Valid and Upgrading conditions, matched/updated/ready), and upgrades the
 * sets' sidecars in place through the release's lossless sequence (syncSidecarUpgrade). Resolves once `signal`
 * aborted and the server closed. The configuration stays when the manager stops: pods the sets select are then
 * refused (failurePolicy Fail) until a manager serves again.
 */
export async function runSidecarInjector(client: KubeClient, signal: AbortSignal, log: Logger, opts: SidecarInjectorOptions = sidecarInjectorOptionsFromEnv()): Promise<void> {
  const native = await clusterHasNativeSidecars(client, signal);
  const sets = new Informer<KubeObject>({ client, resource: SIDECAR_SETS, name: 'sidecarsets' });
  const namespaces = new Informer<V1Namespace>({ client, resource: NAMESPACES, name: 'namespaces' });
  const pods = new Informer<V1Pod>({ client, resource: PODS, name: 'sidecar-pods', labelSelector: `${SIDECAR_KEYS.injected}=true` });
  const slices = new Informer<EndpointSliceLike>({ client, resource: ref('discovery.k8s.io/v1', 'endpointslices'), name: 'sidecar-endpointslices', indexers: { [SLICES_BY_POD_UID]: slicePodUids } });
  const slicesOf = (p: V1Pod): EndpointSliceLike[] => (p.metadata?.uid ? slices.byIndex(SLICES_BY_POD_UID, p.metadata.uid) : []);
  const events = new EventRecorder({ client, component: COMPONENT, discovery: new Discovery(client) });
  const checks = new SidecarChecks(client);
  const allSets = (): SidecarSet[] => sets.list() as unknown as SidecarSet[];
  const cert = await makeServingCert(opts.service ? [`${opts.service.name}.${opts.service.namespace}.svc`] : [], 'plinth-webhook');
  const server = await serveWebhook({
    cert: cert.cert,
    key: cert.key,
    host: opts.host,
    port: opts.port,
    log,
    source: (namespace) => {
      if (!sets.hasSynced() || !namespaces.hasSynced()) return undefined;
      const ns = namespaces.get(namespace);
      return { sets: allSets(), namespaceLabels: ns?.metadata?.labels ?? { 'kubernetes.io/metadata.name': namespace }, nativeSidecars: native };
    },
  });
  const target = opts.service ? { service: opts.service } : { url: opts.url ?? `https://127.0.0.1:${server.port}/mutate-pods` };
  log.info({ port: server.port, target, nativeSidecars: native }, 'sidecar injector serving');

  const everySet = (): string[] => [CONFIG_KEY, ...sets.list().map((s) => s.metadata!.name!)];
  const controller = runController({
    name: 'sidecarset',
    informers: [
      { informer: sets, keys: everySet },
      { informer: pods, keys: () => sets.list().map((s) => s.metadata!.name!), coalesceMs: 250 },
      { informer: slices, keys: () => sets.list().map((s) => s.metadata!.name!), coalesceMs: 250 },
      // Namespace labels are read at admission time only.
      { informer: namespaces, keys: () => [] },
    ],
    workers: 1,
    signal,
    reconcile: async (key, rc) => {
      if (key === CONFIG_KEY) {
        await applyWebhookConfiguration(client, webhookConfiguration(allSets(), target, cert.ca), rc.signal);
        return DONE;
      }
      const set = sets.get(key) as unknown as SidecarSet | undefined;
      if (!set) return DONE;
      const valid = validCondition(set, allSets());
      const counts = countPods(set, pods.list());
      // In-place upgrade through the lossless sequence: batches of updateStrategy.batchSize pods, checks between.
      const step = valid.status === 'True' ? await syncSidecarUpgrade({ client, checks, events, slicesOf, log: rc.log, signal: rc.signal }, set, pods.list()) : undefined;
      await writeStatus({
        client,
        resource: SIDECAR_SETS,
        name: key,
        current: set as unknown as KubeObject,
        desired: (obj) => {
          const status = (obj as unknown as SidecarSet).status ?? {};
          const now = new Date();
          let conditions = setCondition(status.conditions, { ...valid, observedGeneration: set.metadata.generation }, now);
          if (step) conditions = setCondition(conditions, { type: 'Upgrading', ...step.condition, observedGeneration: set.metadata.generation }, now);
          return { ...status, ...counts, observedGeneration: set.metadata.generation, conditions };
        },
        signal: rc.signal,
      });
      if (step?.pause) await pauseSidecarSet(client, set, rc.log, rc.signal);
      return step?.requeueAfterMs !== undefined ? requeueAfter(step.requeueAfterMs) : DONE;
    },
  });
  // The configuration is written at start even with no SidecarSet (its CA bundle and URL change at every start).
  void controller.ready.then(() => controller.queue.add(CONFIG_KEY));
  try {
    await controller.done;
  } finally {
    await server.close();
    await Promise.all([sets.stop(), namespaces.stop(), pods.stop(), slices.stop()]);
  }
}
