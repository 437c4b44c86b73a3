// The Flux peer of the fleet bench, started against a hub cluster and N member clusters: source-controller and
// kustomize-controller (built from Go modules by install.sh) as local processes on the hub, Flux's CRDs installed
// on the hub, one GitRepository on the bench's Git server (smart HTTP) and, per member, a kubeconfig Secret and a
// Kustomization with `spec.kubeConfig.secretRef` (how one Flux reconciles many clusters). `trigger()` does what
// the notification-controller's webhook Receiver does on a push.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient } from '../../../src/kube/http.js';
import type { LocalCluster } from '../../../src/localenv/index.js';
import { installFlux, processCpuSeconds, processMemory, startFluxControllers, type FluxControllers, type FluxInstall, type ProcessMemory } from './controllers.js';
import { createFluxFleet, installFluxCrds, requestReconcile, type FluxFleetSpec } from './setup.js';
import { HubWatch } from './watch.js';

export interface FluxPeerOptions {
  hub: LocalCluster;
  members: { name: string; cluster: LocalCluster }[];
  /** The GitRepository URL (http(s) or ssh; Flux refuses git://). */
  url: string;
  branch?: string;
  /** Directory of the repository every member gets. */
  path: string;
  /**
   * GitRepository and Kustomization `spec.interval` (default `1m`). Flux's guides use 1m to 10m for sources;
   * with the webhook trigger it only matters as the fallback poll.
   */
  interval?: string;
  /** Kustomization spec.targetNamespace (see FluxFleetSpec): where Flux puts the workload on each member. */
  targetNamespace?: string;
  /** Kustomization spec.wait (default true: Flux checks the health of what it applied, as Plinth's agent does). */
  wait?: boolean;
  /** kustomize-controller --concurrent (default: the number of members, so no member waits for a worker). */
  kustomizeConcurrent?: number;
  /** Keep the controllers' logs and storage here (default: a temp dir removed on stop). */
  workDir?: string;
  onProgress?: (msg: string) => void;
}

export interface FluxPeer {
  install: FluxInstall;
  controllers: FluxControllers;
  namespace: string;
  source: string;
  hubClient: KubeClient;
  hubWatch: HubWatch;
  /** What the Receiver does on a valid push webhook: annotate the GitRepository (one PATCH). */
  trigger(): Promise<void>;
  /** Resident memory of each controller now (and its peak). */
  memory(): Record<string, ProcessMemory | undefined>;
  /** CPU seconds each controller has used since it started. */
  cpuSeconds(): Record<string, number | undefined>;
  stop(): Promise<void>;
}

export const FLUX_NAMESPACE = 'flux-bench';
export const FLUX_SOURCE = 'fleet';

export async function startFluxPeer(opts: FluxPeerOptions): Promise<FluxPeer> {
  const progress = opts.onProgress ?? ((): void => undefined);
  const ownWorkDir = opts.workDir === undefined;
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'plinth-bench-flux-'));
  progress('flux: building or reusing the controllers (install.sh)');
  const install = await installFlux();
  const hubClient = await KubeClient.fromKubeConfig(opts.hub.kubeConfig, { userAgent: 'plinth-bench/flux' });
  progress(`flux: installing CRDs from ${install.crdsDir}`);
  await installFluxCrds(hubClient, install.crdsDir);
  progress('flux: starting source-controller and kustomize-controller');
  const controllers = await startFluxControllers({
    install,
    hubKubeconfig: opts.hub.kubeconfigPath,
    workDir,
    kustomizeConcurrent: opts.kustomizeConcurrent ?? Math.max(4, opts.members.length),
  });
  const spec: FluxFleetSpec = {
    namespace: FLUX_NAMESPACE,
    source: FLUX_SOURCE,
    url: opts.url,
    branch: opts.branch ?? 'main',
    path: opts.path,
    interval: opts.interval ?? '1m',
    wait: opts.wait ?? true,
    timeout: '5m',
    targetNamespace: opts.targetNamespace,
    members: opts.members.map((m) => ({ name: m.name, kubeconfig: readFileSync(m.cluster.kubeconfigPath, 'utf8') })),
  };
  progress(`flux: creating the GitRepository and ${spec.members.length} Kustomizations`);
  await createFluxFleet(hubClient, spec);
  const hubWatch = new HubWatch(hubClient, FLUX_NAMESPACE, FLUX_SOURCE);
  await hubWatch.start();
  const procs = { 'source-controller': controllers.source.pid, 'kustomize-controller': controllers.kustomize.pid };
  return {
    install,
    controllers,
    namespace: FLUX_NAMESPACE,
    source: FLUX_SOURCE,
    hubClient,
    hubWatch,
    trigger: () => requestReconcile(hubClient, FLUX_NAMESPACE, FLUX_SOURCE),
    memory: () => Object.fromEntries(Object.entries(procs).map(([n, pid]) => [n, processMemory(pid)])),
    cpuSeconds: () => Object.fromEntries(Object.entries(procs).map(([n, pid]) => [n, processCpuSeconds(pid)])),
    async stop(): Promise<void> {
      await hubWatch.stop();
      await controllers.stop();
      hubClient.close();
      if (ownWorkDir) rmSync(workDir, { recursive: true, force: true });
    },
  };
}
