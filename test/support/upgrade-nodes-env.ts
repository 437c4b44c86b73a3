// Shared setup of the node rolling upgrade tests (test/upgrade-nodes*.test.ts): workloads with PDBs on a real
// local cluster, the CLI spawned as a user runs it, and an invariant watcher proving that no PodDisruptionBudget
// is ever violated (computed from the PDB spec and the pods' Ready conditions, not from the PDB status).
import { spawn, type ChildProcess } from 'node:child_process';
import type { V1Node, V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { isAlreadyExists } from '../../src/kube/api-error.js';
import type { KubeClient } from '../../src/kube/http.js';
import { Informer } from '../../src/kube/informer.js';
import { CORE, inNamespace, ref } from '../../src/kube/resource.js';
import { desiredHealthy, podReady, selectorMatches } from '../../src/upgrade/nodes/pods.js';
import { sleep } from '../../src/kube/clock.js';

export { sleep };

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, everyMs = 200): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function ensureNamespace(client: KubeClient, name: string): Promise<void> {
  try {
    await client.create(CORE.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

export async function createDeployment(client: KubeClient, ns: string, name: string, replicas: number, opts: { emptyDir?: boolean } = {}): Promise<void> {
  await client.create(inNamespace(CORE.deployments, ns), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'c', image: 'registry.local/app:1' }],
          ...(opts.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
          // Spread the replicas so every node has some to drain.
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: name } } }],
        },
      },
    },
  });
}

export async function createDaemonSet(client: KubeClient, ns: string, name: string): Promise<void> {
  await client.create(ref('apps/v1', 'daemonsets', ns), {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'registry.local/agent:1' }] } },
    },
  });
}

export async function createPdb(
  client: KubeClient,
  pdbApi: string,
  ns: string,
  name: string,
  app: string,
  budget: { minAvailable: number | string } | { maxUnavailable: number | string },
): Promise<void> {
  await client.create(ref(pdbApi, 'poddisruptionbudgets', ns), {
    apiVersion: pdbApi,
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: ns },
    spec: { selector: { matchLabels: { app } }, ...budget },
  });
}

/** Ready pods of the deployments equal their replicas. */
export async function waitDeploymentsReady(client: KubeClient, ns: string, names: readonly string[], timeoutMs = 90_000): Promise<void> {
  await waitFor(async () => {
    for (const n of names) {
      const d = await client.get<{ spec: { replicas: number }; status?: { readyReplicas?: number; updatedReplicas?: number } }>(inNamespace(CORE.deployments, ns), n);
      if ((d.status?.readyReplicas ?? 0) !== d.spec.replicas) return false;
    }
    return true;
  }, `deployments ${names.join(', ')} ready`, timeoutMs);
}

/**
 * Watches pods and PDBs for the whole test. After `arm()`, every pod event re-evaluates every
 * PDB: ready pods it covers must never fall below what its spec requires (minAvailable, or the
 * expected count − maxUnavailable; the expected count is given per PDB, i.e. the replicas).
 */
export class PdbWatcher {
  readonly pods: Informer<V1Pod>;
  readonly pdbs: Informer<V1PodDisruptionBudget>;
  readonly violations: string[] = [];
  readonly evictedPods = new Set<string>();
  /** Lowest ready count seen per PDB while armed. */
  readonly lowest = new Map<string, number>();
  private armed = false;
  private readonly met = new Set<string>();

  constructor(
    client: KubeClient,
    pdbApi: string,
    private readonly expected: ReadonlyMap<string, number>,
  ) {
    this.pods = new Informer<V1Pod>({ client, resource: CORE.pods });
    this.pdbs = new Informer<V1PodDisruptionBudget>({ client, resource: ref(pdbApi, 'poddisruptionbudgets') });
    const check = (): void => this.check();
    this.pods.addHandler({
      onAdd: check,
      onUpdate: check,
      onDelete: (p) => {
        this.evictedPods.add(`${p.metadata?.namespace}/${p.metadata?.name}`);
        check();
      },
    });
  }

  async start(): Promise<void> {
    this.pods.start();
    this.pdbs.start();
    await Promise.all([this.pods.synced, this.pdbs.synced]);
  }

  arm(): void {
    this.armed = true;
    this.check();
  }

  async stop(): Promise<void> {
    await Promise.all([this.pods.stop(), this.pdbs.stop()]);
  }

  private check(): void {
    if (!this.armed) return;
    const pods = this.pods.list();
    for (const b of this.pdbs.list()) {
      const key = `${b.metadata?.namespace}/${b.metadata?.name}`;
      const expected = this.expected.get(key);
      if (expected === undefined) continue;
      const ready = pods.filter((p) => p.metadata?.namespace === b.metadata?.namespace && selectorMatches(b.spec?.selector, p.metadata?.labels) && podReady(p)).length;
      const need = desiredHealthy(b, expected);
      // A budget counts from the moment its workload first met it (not while its pods start).
      if (!this.met.has(key)) {
        if (ready < need) continue;
        this.met.add(key);
      }
      this.lowest.set(key, Math.min(this.lowest.get(key) ?? Infinity, ready));
      if (ready < need) this.violations.push(`${new Date().toISOString()} PDB ${key}: ${ready} ready < ${need} required`);
    }
  }
}

/** Counts every false→true change of spec.unschedulable per node (a node drained twice is cordoned twice). */
export class CordonWatcher {
  readonly nodes: Informer<V1Node>;
  readonly cordons = new Map<string, number>();
  readonly versions = new Map<string, string[]>();

  constructor(client: KubeClient) {
    this.nodes = new Informer<V1Node>({ client, resource: CORE.nodes });
    this.nodes.addHandler({
      onAdd: (n) => this.versions.set(n.metadata!.name!, [n.status?.nodeInfo?.kubeletVersion ?? '']),
      onUpdate: (old, n) => {
        const name = n.metadata!.name!;
        if (old.spec?.unschedulable !== true && n.spec?.unschedulable === true) this.cordons.set(name, (this.cordons.get(name) ?? 0) + 1);
        const v = n.status?.nodeInfo?.kubeletVersion ?? '';
        const seen = this.versions.get(name) ?? [];
        if (seen[seen.length - 1] !== v) this.versions.set(name, [...seen, v]);
      },
    });
  }

  async start(): Promise<void> {
    this.nodes.start();
    await this.nodes.synced;
  }

  async stop(): Promise<void> {
    await this.nodes.stop();
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawn `node --import tsx src/app/cli/main.ts upgrade nodes …` as a user would run it. */
export function spawnNodes(args: readonly string[], kubeconfig: string): { child: ChildProcess; result: Promise<CliResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'upgrade', 'nodes', '--kubeconfig', kubeconfig, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KUBECONFIG: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const result = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, result };
}

export async function runNodes(args: readonly string[], kubeconfig: string): Promise<CliResult> {
  return spawnNodes(args, kubeconfig).result;
}
