import type { ClusterRecord } from './types.js';
import type { Layout } from './components.js';
import { writeKubeconfig } from './kubeconfig.js';
import { freePorts, portIsFree } from './ports.js';

/**
 * The ports of a kept cluster that may move when another process took them while it was stopped.
 * Not etcd's: its data names its own URLs. Clients find the API server's new port in the rewritten
 * kubeconfigs; the other components' ports only serve health checks.
 */
const MOVABLE = ['apiserver', 'controllerManager', 'scheduler', 'kwok'] as const;

export interface PortMove {
  port: (typeof MOVABLE)[number];
  from: number;
  to: number;
}

/** Move each movable port that cannot be bound now to a free (and reserved) one; the kept ones stay. */
export async function moveTakenPorts(layout: Layout): Promise<PortMove[]> {
  const moves: PortMove[] = [];
  for (const port of MOVABLE) {
    const from = layout.ports[port];
    if (await portIsFree(from)) continue;
    const [to] = await freePorts(1, new Set(Object.values(layout.ports)));
    if (to === undefined) continue;
    layout.ports[port] = to;
    moves.push({ port, from, to });
  }
  return moves;
}

/** Point the admin's and the components' kubeconfigs at the API server's address in `layout`. */
export async function rewriteKubeconfigs(rec: ClusterRecord, layout: Layout): Promise<void> {
  const server = `https://127.0.0.1:${layout.ports.apiserver}`;
  const opts = { clusterName: rec.name, server, pki: layout.pki };
  await Promise.all([
    writeKubeconfig(rec.kubeconfig, { ...opts, who: 'admin' }),
    writeKubeconfig(layout.kubeconfigs.controllerManager, { ...opts, who: 'controller-manager' }),
    writeKubeconfig(layout.kubeconfigs.scheduler, { ...opts, who: 'scheduler' }),
    writeKubeconfig(layout.kubeconfigs.kwok, { ...opts, who: 'kwok' }),
  ]);
}
