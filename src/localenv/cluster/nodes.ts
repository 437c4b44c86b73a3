import type { Api } from './api.js';
import {
  CELL_LABEL,
  KWOK_NODE_ANNOTATION,
  KWOK_NODE_VALUE,
  NODE_KUBELET_VERSION_ANNOTATION,
  NODE_READY_ANNOTATION,
  POD_FROZEN_ANNOTATION,
  REGION_LABEL,
  TYPE_LABEL,
  ZONE_LABEL,
} from './kwok/annotations.js';
import { NODE_CAPACITY } from './kwok/node-stages.js';
import { nodeIp, nodePodCidr, planNodes, type ExistingNode, type PlannedNode } from './topology.js';

const INDEX_ANNOTATION = 'kwok.plinth.dev/index';

interface NodeObj {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  status?: { conditions?: { type: string; status: string }[] };
}

interface PodObj {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
}

/** The simulated nodes of the cluster (those kwok manages). */
async function simulatedNodes(api: Api): Promise<NodeObj[]> {
  const list = await api.get<{ items: NodeObj[] }>(`/api/v1/nodes?labelSelector=${encodeURIComponent(`${TYPE_LABEL}=kwok`)}`);
  return list.items;
}

function nodeManifest(p: PlannedNode, kubeletVersion: string, extraLabels: Record<string, string> = {}): unknown {
  const cidr = nodePodCidr(p.index);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: p.name,
      labels: {
        [TYPE_LABEL]: 'kwok',
        'kubernetes.io/hostname': p.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': 'kwok-32c-256g',
        [REGION_LABEL]: 'local',
        [ZONE_LABEL]: p.zone,
        [CELL_LABEL]: p.cell,
        ...extraLabels,
      },
      annotations: {
        [KWOK_NODE_ANNOTATION]: KWOK_NODE_VALUE,
        [NODE_KUBELET_VERSION_ANNOTATION]: kubeletVersion,
        [INDEX_ANNOTATION]: String(p.index),
        'node.alpha.kubernetes.io/ttl': '0',
      },
    },
    spec: { podCIDR: cidr, podCIDRs: [cidr] },
    // A kubelet registers its node with capacity and addresses; kwok then posts conditions.
    status: {
      capacity: { ...NODE_CAPACITY },
      allocatable: { ...NODE_CAPACITY },
      addresses: [
        { type: 'InternalIP', address: nodeIp(p.index) },
        { type: 'Hostname', address: p.name },
      ],
    },
  };
}

/** Create `n` nodes spread over the zones/cells; returns their names. */
export async function createNodes(
  api: Api,
  n: number,
  opts: { zones: number; cellsPerZone: number; zone?: string; kubeletVersion: string; labels?: Record<string, string> },
): Promise<string[]> {
  if (n <= 0) return [];
  const existing: ExistingNode[] = (await simulatedNodes(api)).map((o) => {
    const idx = o.metadata.annotations?.[INDEX_ANNOTATION];
    return {
      name: o.metadata.name,
      zone: o.metadata.labels?.[ZONE_LABEL],
      cell: o.metadata.labels?.[CELL_LABEL],
      index: idx === undefined ? undefined : Number(idx),
    };
  });
  const plan = planNodes(existing, n, opts.zones, opts.cellsPerZone, opts.zone);
  await Promise.all(plan.map((p) => api.post('/api/v1/nodes', nodeManifest(p, opts.kubeletVersion, opts.labels))));
  return plan.map((p) => p.name);
}

const readyOf = (n: NodeObj): string | undefined => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;

/** Names of the given nodes whose Ready condition is not yet `want`. */
export async function nodesNotYet(api: Api, names: readonly string[], want: 'True' | 'False'): Promise<string[]> {
  const byName = new Map((await simulatedNodes(api)).map((n) => [n.metadata.name, n]));
  return names.filter((name) => {
    const n = byName.get(name);
    return !n || readyOf(n) !== want;
  });
}

async function podsOn(api: Api, node: string): Promise<PodObj[]> {
  const sel = encodeURIComponent(`spec.nodeName=${node}`);
  return (await api.get<{ items: PodObj[] }>(`/api/v1/pods?fieldSelector=${sel}`)).items;
}

async function freezePods(api: Api, node: string, frozen: boolean): Promise<void> {
  const pods = await podsOn(api, node);
  await Promise.all(
    pods
      .filter((p) => (p.metadata.annotations?.[POD_FROZEN_ANNOTATION] === 'true') !== frozen)
      .map((p) =>
        api
          .patch(
            `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`,
            { metadata: { annotations: { [POD_FROZEN_ANNOTATION]: frozen ? 'true' : null } } },
            'merge',
          )
          .catch((err: unknown) => {
            // A pod deleted meanwhile needs no marking.
            if ((err as { status?: number }).status !== 404) throw err;
          }),
      ),
  );
}

/**
 * Make the simulated kubelet of `node` report Ready=True/False. Not ready: the pods on the node
 * are frozen first (kwok leaves them alone, as a kubelet that is down would, so the node
 * lifecycle controller's "not ready" marks stick), then the node reports NotReady. Ready: the
 * node reports Ready, then its pods are released (kwok makes them Ready again).
 */
export async function setNodeReady(api: Api, node: string, ready: boolean): Promise<void> {
  const now = new Date().toISOString();
  const path = `/api/v1/nodes/${encodeURIComponent(node)}`;
  if (!ready) await freezePods(api, node, true);
  await api.patch(path, { metadata: { annotations: { [NODE_READY_ANNOTATION]: ready ? null : 'false' } } }, 'merge');
  await api.patch(`${path}/status`, {
    status: {
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? 'KubeletReady' : 'KubeletNotReady',
          message: ready
            ? 'kubelet is posting ready status'
            : 'container runtime is down (simulated by plinth: kwok.plinth.dev/ready=false)',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
    },
  });
  if (ready) await freezePods(api, node, false);
}

/** Make `node` report kubelet (and kube-proxy) version `version`, e.g. after a simulated upgrade. */
export async function setNodeKubeletVersion(api: Api, node: string, version: string): Promise<void> {
  const path = `/api/v1/nodes/${encodeURIComponent(node)}`;
  await api.patch(path, { metadata: { annotations: { [NODE_KUBELET_VERSION_ANNOTATION]: version } } }, 'merge');
  await api.patch(`${path}/status`, { status: { nodeInfo: { kubeletVersion: version, kubeProxyVersion: version } } });
}
