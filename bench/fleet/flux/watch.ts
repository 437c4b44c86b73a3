// Watches for the bench: one informer set per member (the workload's ConfigMap and Deployment) and one on the hub
// (the GitRepository and the Kustomizations), and waiters that resolve with the time (Date.now()) at which a
// condition on those caches first held. Conditions are checked on every watch event, not on a poll timer.
import type { KubeClient } from '../../../src/kube/http.js';
import { Informer } from '../../../src/kube/informer.js';
import { ref, type KubeObject } from '../../../src/kube/resource.js';
import { CONFIGMAP_NAME, DEPLOYMENT_NAME, WORKLOAD_NAMESPACE, configMapAt, deploymentHealthyAt, type ConfigMapLike, type DeploymentLike } from './workload.js';
import { GITREPOSITORIES, KUSTOMIZATIONS } from './setup.js';

interface Waiter {
  test: () => boolean;
  resolve: (at: number) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Informers plus waiters that are re-tested on each event of any of them. */
export class ConditionWatch {
  private readonly informers: Informer[] = [];
  private readonly waiters = new Set<Waiter>();

  protected add<T extends KubeObject>(inf: Informer<T>): Informer<T> {
    inf.addHandler({ onAdd: () => this.check(), onUpdate: () => this.check(), onDelete: () => this.check() });
    this.informers.push(inf as unknown as Informer);
    return inf;
  }

  async start(): Promise<void> {
    for (const inf of this.informers) inf.start();
    await Promise.all(this.informers.map((i) => i.synced));
  }

  /** Resolves with the time at which `test` first held (now, if it holds already). */
  when(what: string, test: () => boolean, timeoutMs: number): Promise<number> {
    if (test()) return Promise.resolve(Date.now());
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        test,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs),
      };
      this.waiters.add(w);
    });
  }

  private check(): void {
    const now = Date.now();
    for (const w of this.waiters) {
      if (!w.test()) continue;
      clearTimeout(w.timer);
      this.waiters.delete(w);
      w.resolve(now);
    }
  }

  async stop(): Promise<void> {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('watch stopped'));
    }
    this.waiters.clear();
    await Promise.all(this.informers.map((i) => i.stop()));
  }
}

/** The workload on one member cluster. */
export class MemberWatch extends ConditionWatch {
  private readonly cm: Informer<KubeObject & ConfigMapLike>;
  private readonly dep: Informer<KubeObject & DeploymentLike>;

  /** `namespace`: where the workload lands on the member (a Kustomization's targetNamespace, if it has one). */
  constructor(
    readonly name: string,
    client: KubeClient,
    private readonly namespace: string = WORKLOAD_NAMESPACE,
  ) {
    super();
    this.cm = this.add(
      new Informer<KubeObject & ConfigMapLike>({ client, resource: ref('v1', 'configmaps', namespace), fieldSelector: `metadata.name=${CONFIGMAP_NAME}`, name: `${name}-cm` }),
    );
    this.dep = this.add(
      new Informer<KubeObject & DeploymentLike>({ client, resource: ref('apps/v1', 'deployments', namespace), fieldSelector: `metadata.name=${DEPLOYMENT_NAME}`, name: `${name}-deploy` }),
    );
  }

  /** Revision `revision` is applied (ConfigMap value) and healthy (Deployment rolled out). */
  isAt(revision: number): boolean {
    return configMapAt(this.cm.get(`${this.namespace}/${CONFIGMAP_NAME}`), revision) && deploymentHealthyAt(this.dep.get(`${this.namespace}/${DEPLOYMENT_NAME}`), revision);
  }

  at(revision: number, timeoutMs: number): Promise<number> {
    return this.when(`revision ${revision} on member ${this.name}`, () => this.isAt(revision), timeoutMs);
  }
}

interface FluxStatus {
  status?: {
    artifact?: { revision?: string };
    lastAppliedRevision?: string;
    conditions?: { type: string; status: string }[];
  };
}

function ready(o: FluxStatus | undefined): boolean {
  return o?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Flux's own view on the hub: the GitRepository's artifact and the Kustomizations' applied revision. */
export class HubWatch extends ConditionWatch {
  private readonly repos: Informer<KubeObject & FluxStatus>;
  private readonly kss: Informer<KubeObject & FluxStatus>;

  constructor(
    client: KubeClient,
    private readonly namespace: string,
    private readonly source: string,
  ) {
    super();
    this.repos = this.add(new Informer<KubeObject & FluxStatus>({ client, resource: { ...GITREPOSITORIES, namespace }, name: 'gitrepositories' }));
    this.kss = this.add(new Informer<KubeObject & FluxStatus>({ client, resource: { ...KUSTOMIZATIONS, namespace }, name: 'kustomizations' }));
  }

  /** The GitRepository has an artifact of `commit` (revisions look like `main@sha1:<commit>`). */
  artifactAt(commit: string, timeoutMs: number): Promise<number> {
    return this.when(`GitRepository artifact of ${commit}`, () => this.repos.get(`${this.namespace}/${this.source}`)?.status?.artifact?.revision?.endsWith(commit) ?? false, timeoutMs);
  }

  /** Every one of `count` Kustomizations reports Ready with `commit` applied. */
  kustomizationsAt(commit: string, count: number, timeoutMs: number): Promise<number> {
    const test = (): boolean => {
      const at = this.kss.list().filter((k) => ready(k) && (k.status?.lastAppliedRevision?.endsWith(commit) ?? false));
      return at.length >= count;
    };
    return this.when(`${count} Kustomizations Ready at ${commit}`, test, timeoutMs);
  }
}
