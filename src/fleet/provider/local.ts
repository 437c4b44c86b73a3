import { rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { defaultStateDir, listClusters, restartCluster, startCluster, startSharedEtcd, stopCluster } from '../../localenv/index.js';
import { readRecord } from '../../localenv/cluster/state.js';
import { LABEL_ARCH } from '../names.js';
import type { ClusterProvider, CreateOptions, ListedCluster, ProvidedCluster } from './types.js';

/** The local provider's name for `--provider`. */
export const LOCAL_PROVIDER = 'local';

/** The local cluster name of a member of hub `hub`: `<hub>-<member>` (two hubs' members never share a state dir). */
export const localMemberName = (hub: string, member: string): string => `${hub}-${member}`;
/** The etcd the members of hub `hub` share. */
export const membersEtcdName = (hub: string): string => `${hub}-members-etcd`;

function kubeVersion(v: string | undefined): 'old' | 'new' {
  return v === 'old' ? 'old' : 'new';
}

/**
 * Member clusters on this machine (src/localenv): light clusters (`member: true`, one node) whose API
 * servers share one etcd per hub, started detached with their data kept. `create` is idempotent: a running
 * member is returned as is, a stopped one restarts on its data.
 */
export class LocalProvider implements ClusterProvider {
  readonly name = LOCAL_PROVIDER;

  constructor(private readonly hub: string) {}

  async create(name: string, opts: CreateOptions = {}): Promise<ProvidedCluster> {
    const localName = localMemberName(this.hub, name);
    const etcd = await startSharedEtcd({ name: membersEtcdName(this.hub), detached: true });
    const kept = await readRecord(defaultStateDir(localName));
    if (kept && existsSync(kept.kubeconfig)) {
      const c = await restartCluster(localName, { onProgress: opts.onProgress });
      return { name, kubeconfig: c.kubeconfigPath, version: c.version, action: c.reused ? 'running' : 'restarted' };
    }
    const arch = opts.labels?.[LABEL_ARCH];
    const c = await startCluster({
      name: localName,
      version: kubeVersion(opts.kubeVersion),
      member: true,
      sharedEtcd: etcd,
      detached: true,
      keepStateDir: true,
      ...(arch ? { nodeLabels: { 'kubernetes.io/arch': arch } } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    return { name, kubeconfig: c.kubeconfigPath, version: c.version, action: 'created' };
  }

  async delete(name: string): Promise<void> {
    const localName = localMemberName(this.hub, name);
    const stateDir = defaultStateDir(localName);
    if (await readRecord(stateDir)) await stopCluster(localName, { keepData: true });
    await rm(stateDir, { recursive: true, force: true });
  }

  async list(): Promise<ListedCluster[]> {
    const prefix = `${this.hub}-`;
    return (await listClusters())
      .filter((c) => c.member === true && c.name.startsWith(prefix))
      .map((c) => ({ name: c.name.slice(prefix.length), kubeconfig: c.kubeconfig, version: c.version, running: c.alive }));
  }
}
