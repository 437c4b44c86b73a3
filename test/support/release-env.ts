// Shared setup of the release integration tests (test/release-*.test.ts): a real local cluster with Plinth's
// CRDs, the release controllers running in this process (or in a child process, see release-manager.ts), and
// small helpers to create and read CellDeployments, ReleaseOrders and their pods.
import type { V1Pod } from '@kubernetes/client-node';
import { after, before } from 'node:test';
import { ensureNamespace } from '../../src/kube/namespaces.js';
import { installCrds } from '../../src/api/install.js';
import type { CellDeployment, ReleaseOrder } from '../../src/api/index.js';
import { KubeClient } from '../../src/kube/http.js';
import { CORE, inNamespace } from '../../src/kube/resource.js';
import { startCluster, type LocalCluster } from '../../src/localenv/index.js';
import { KEYS, RELEASE_API_VERSION, RES } from '../../src/release/keys.js';
import { runCellDeploymentController, runReleaseOrderController, runReleasePolicyController } from '../../src/release/modules.js';
import { logger } from '../../src/kube/log.js';
import { sleep } from '../../src/kube/clock.js';

export interface ReleaseEnv {
  cluster: LocalCluster;
  client: KubeClient;
  stop(): Promise<void>;
}

/** A NEW-version cluster (6 nodes, 3 zones) with the CRDs installed. */
export async function startReleaseCluster(opts: { nodes?: number; inPlaceDelayMs?: number; version?: 'new' | 'old' } = {}): Promise<ReleaseEnv> {
  const cluster = await startCluster({ version: opts.version ?? 'new', nodes: opts.nodes ?? 6, zones: 3, kwok: { inPlaceDelayMs: opts.inPlaceDelayMs ?? 300 } });
  try {
    const client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
    await installCrds(client);
    return {
      cluster,
      client,
      stop: async () => {
        client.close();
        await cluster.stop();
      },
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

/** Runs both release controllers in this process until the returned stop is called. */
export function runControllersInProcess(client: KubeClient): { stop: () => Promise<void> } {
  const ac = new AbortController();
  const ctx = { client, signal: ac.signal, log: logger('test-release') };
  const running = Promise.all([runCellDeploymentController(ctx), runReleaseOrderController(ctx), runReleasePolicyController(ctx)]);
  return {
    stop: async () => {
      ac.abort();
      await running;
    },
  };
}

export interface CdOptions {
  replicas?: number;
  image?: string;
  units?: string[];
  unitReplicas?: Record<string, number>;
  strategy?: Record<string, unknown>;
  paused?: boolean;
  env?: Record<string, string>;
}

/** A CellDeployment of app `name` over zone-a..c with one container `web`. */
export function cellDeployment(ns: string, name: string, o: CdOptions = {}): CellDeployment {
  const container: Record<string, unknown> = { name: 'web', image: o.image ?? 'registry.local/web:1', resources: { requests: { cpu: '10m', memory: '16Mi' } } };
  if (o.env) container['env'] = Object.entries(o.env).map(([n, value]) => ({ name: n, value }));
  return {
    apiVersion: RELEASE_API_VERSION,
    kind: 'CellDeployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: o.replicas ?? 6,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [container], terminationGracePeriodSeconds: 0 } },
      topology: { unitKey: 'topology.kubernetes.io/zone', units: o.units ?? ['zone-a', 'zone-b', 'zone-c'], ...(o.unitReplicas ? { unitReplicas: o.unitReplicas } : {}) },
      strategy: { type: 'InPlaceIfPossible', beta: false, batchSize: 1, needConfirm: false, pauseSeconds: 0, drainSeconds: 1, ...(o.strategy ?? {}) },
      paused: o.paused ?? false,
      revisionHistoryLimit: 10,
    },
  };
}

/** A Service selecting the CellDeployment's pods, so EndpointSlices list them. */
export async function createService(client: KubeClient, ns: string, app: string): Promise<void> {
  await client.create(inNamespace(CORE.services, ns), {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace: ns },
    spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
  });
}

export function cdRef(ns: string): ReturnType<typeof inNamespace> {
  return inNamespace(RES.cellDeployments, ns);
}

export function roRef(ns: string): ReturnType<typeof inNamespace> {
  return inNamespace(RES.releaseOrders, ns);
}

export async function getCd(client: KubeClient, ns: string, name: string): Promise<CellDeployment> {
  return client.get<CellDeployment>(cdRef(ns), name);
}

export async function patchCd(client: KubeClient, ns: string, name: string, patch: unknown): Promise<CellDeployment> {
  return client.patch<CellDeployment>(cdRef(ns), name, patch, 'merge');
}

/** Sets the container image (the in-place path). */
export function setImage(client: KubeClient, ns: string, name: string, image: string): Promise<CellDeployment> {
  return patchCd(client, ns, name, { spec: { template: { spec: { containers: [{ name: 'web', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } } });
}

export async function pods(client: KubeClient, ns: string, name: string): Promise<V1Pod[]> {
  return (await client.list<V1Pod>(inNamespace(CORE.pods, ns), { labelSelector: `${KEYS.cellDeployment}=${name}` })).items;
}

export async function orders(client: KubeClient, ns: string, name: string): Promise<ReleaseOrder[]> {
  return (await client.list<ReleaseOrder>(roRef(ns), { labelSelector: `${KEYS.cellDeployment}=${name}` })).items;
}

export async function getOrder(client: KubeClient, ns: string, name: string): Promise<ReleaseOrder> {
  return client.get<ReleaseOrder>(roRef(ns), name);
}

export function patchOrder(client: KubeClient, ns: string, name: string, spec: Partial<ReleaseOrder['spec']>): Promise<ReleaseOrder> {
  return client.patch<ReleaseOrder>(roRef(ns), name, { spec }, 'merge');
}

export { sleep };

/** Polls `probe` until it returns a value that is not undefined; fails with `what` and the last note. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await sleep(everyMs);
  }
}

/** Waits until the CellDeployment reports `phase` for its current generation. */
export function waitPhase(client: KubeClient, ns: string, name: string, phase: string, timeoutMs = 90_000): Promise<CellDeployment> {
  return eventually(`CellDeployment ${ns}/${name} phase ${phase}`, async () => {
    const cd = await getCd(client, ns, name);
    return cd.status?.phase === phase && cd.status.observedGeneration === cd.metadata.generation ? cd : undefined;
  }, timeoutMs);
}

/** Waits until the order reports `phase` (and optionally a batch in a phase). */
export function waitOrder(client: KubeClient, ns: string, name: string, ok: (o: ReleaseOrder) => boolean, what: string, timeoutMs = 90_000): Promise<ReleaseOrder> {
  let seen: ReleaseOrder | undefined;
  return eventually(`ReleaseOrder ${ns}/${name}: ${what}`, async () => {
    const o = await getOrder(client, ns, name);
    seen = o;
    return ok(o) ? o : undefined;
  }, timeoutMs).catch((err: unknown) => {
    // Say where the order stood: phase, batches and the last decisions.
    const s = seen?.status;
    const batches = (s?.batches ?? []).map((b) => `${b.index}:${b.phase}`).join(' ');
    const last = (s?.history ?? []).slice(-4).map((h) => `${h.action}${h.message ? ` (${h.message})` : ''}`).join('; ');
    (err as Error).message += `\n  last seen: phase ${s?.phase ?? '-'}, batches [${batches}], paused ${String(seen?.spec.paused)}; history: ${last}`;
    throw err;
  });
}

/** The current order of a CellDeployment (status.releaseOrder), once it exists. */
export function currentOrderName(client: KubeClient, ns: string, name: string, notName?: string): Promise<string> {
  return eventually(`a ReleaseOrder for ${ns}/${name}`, async () => {
    const cd = await getCd(client, ns, name);
    const n = cd.status?.releaseOrder;
    return n && n !== notName ? n : undefined;
  });
}

export function gate(p: V1Pod): string | undefined {
  return p.status?.conditions?.find((c) => c.type === KEYS.gate)?.status;
}

export function ready(p: V1Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export { ensureNamespace };

/** A suite's cluster: set by the suite's before hook. */
export interface ReleaseSuite {
  env: ReleaseEnv;
}

/**
 * Call inside a describe(): starts a release cluster and the release controllers in this process before the
 * suite's tests, and stops both after them.
 */
export function releaseSuite(opts: Parameters<typeof startReleaseCluster>[0] = {}): ReleaseSuite {
  const suite = {} as ReleaseSuite;
  let controllers: { stop: () => Promise<void> } | undefined;
  before(async () => {
    suite.env = await startReleaseCluster(opts);
    controllers = runControllersInProcess(suite.env.client);
  });
  after(async () => {
    await controllers?.stop();
    await (suite.env as ReleaseEnv | undefined)?.stop();
  });
  return suite;
}
