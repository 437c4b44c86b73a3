/**
 * Cluster providers: what `plinth fleet create NAME --provider P` and `plinth fleet recycle NAME` call to
 * make and unmake the Kubernetes cluster itself. Joining the fleet (CSR, accept) and leaving it are not the
 * provider's business: the CLI does them through the membership commands once the cluster answers.
 *
 * How another installer plugs in: implement ClusterProvider in `src/fleet/provider/<name>.ts` and add it to
 * PROVIDERS in `registry.ts`. A Cluster API provider, for instance, would `create` by applying a `Cluster`
 * (plus its infrastructure and control-plane objects) to a management cluster and waiting for
 * `status.phase=Provisioned` and the `<name>-kubeconfig` Secret, write that kubeconfig to a file and return
 * its path; `delete` deletes the `Cluster` and waits until it is gone; `list` lists the `Cluster`s it
 * labelled. Anything long-running must be resumable: a second `create` of a cluster being provisioned
 * waits for it instead of starting another.
 */

export interface CreateOptions {
  /** Kubernetes version to run: the local provider knows `old` (1.24) and `new` (1.34). */
  kubeVersion?: string;
  /** The member's labels (tier, region, arch, ...): a provider may shape the cluster by them (arch). */
  labels?: Record<string, string>;
  /** One line per step, for a progress display. */
  onProgress?: (msg: string) => void;
}

export interface ProvidedCluster {
  /** The fleet name of the cluster. */
  name: string;
  /** A kubeconfig with admin rights on the new cluster (a file path). */
  kubeconfig: string;
  /** e.g. v1.34.4 */
  version: string;
  /** created: new; restarted: brought back from kept data; running: it already ran. */
  action: 'created' | 'restarted' | 'running';
}

export interface ListedCluster {
  name: string;
  kubeconfig: string;
  version: string;
  running: boolean;
}

export interface ClusterProvider {
  /** The `--provider` value. */
  readonly name: string;
  /** Create the cluster (or bring back / find the one of that name); resolves when its API server answers. */
  create(name: string, opts?: CreateOptions): Promise<ProvidedCluster>;
  /** Delete the cluster and everything it stored. Deleting one that does not exist is not an error. */
  delete(name: string): Promise<void>;
  /** The clusters this provider made. */
  list(): Promise<ListedCluster[]>;
}
