import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { CellDeployment, ReleaseOrder } from '../api/index.js';
import { ownerKeys } from '../kube/controller.js';
import type { KubeClient } from '../kube/http.js';
import type { IndexFunc } from '../kube/indexer.js';
import { Informer } from '../kube/informer.js';
import type { KubeObject } from '../kube/resource.js';
import type { ControllerRevisionT } from './celldeployment/revisions.js';
import { KEYS, RES } from './keys.js';
import { SLICES_BY_POD_UID, slicePodUids, type EndpointSliceLike } from './pod/endpoints.js';

export type PodObject = V1Pod & KubeObject;
export type NodeObject = V1Node & KubeObject;

/** Index of pods, orders and revisions by the `namespace/name` of their controlling CellDeployment. */
export const BY_CELL_DEPLOYMENT = 'byCellDeployment';

/** `namespace/name` of the CellDeployment that controls an object (its controller owner reference). */
export function ownerCellDeploymentKey(obj: KubeObject): string | undefined {
  return cellDeploymentOwner(obj)[0];
}
const cellDeploymentOwner = ownerKeys('CellDeployment', { controllerOnly: true });

const byCellDeployment: IndexFunc = (obj) => ownerCellDeploymentKey(obj);

/** The informers both release controllers read; one set per API client, shared. */
export interface ReleaseInformers {
  /** CellDeployments (read them with {@link getCellDeployment}). */
  cellDeployments: Informer<KubeObject>;
  /** ReleaseOrders (read them with {@link ordersOf} or {@link getReleaseOrder}). */
  releaseOrders: Informer<KubeObject>;
  pods: Informer<PodObject>;
  revisions: Informer<ControllerRevisionT>;
  endpointSlices: Informer<EndpointSliceLike>;
  nodes: Informer<NodeObject>;
}

interface Shared {
  informers: ReleaseInformers;
  users: number;
}

const shared = new WeakMap<KubeClient, Shared>();

function create(client: KubeClient): ReleaseInformers {
  const owned = { [BY_CELL_DEPLOYMENT]: byCellDeployment };
  return {
    cellDeployments: new Informer({ client, resource: RES.cellDeployments, name: 'celldeployments' }),
    releaseOrders: new Informer({ client, resource: RES.releaseOrders, name: 'releaseorders', indexers: owned }),
    pods: new Informer({ client, resource: RES.pods, name: 'release-pods', labelSelector: KEYS.cellDeployment, indexers: owned }),
    revisions: new Informer({ client, resource: RES.controllerRevisions, name: 'release-revisions', labelSelector: KEYS.cellDeployment, indexers: owned }),
    endpointSlices: new Informer<EndpointSliceLike>({
      client,
      resource: RES.endpointSlices,
      name: 'endpointslices',
      indexers: { [SLICES_BY_POD_UID]: slicePodUids },
    }),
    nodes: new Informer({ client, resource: RES.nodes, name: 'nodes' }),
  };
}

/**
 * The shared informers for `client`, started on first use. Call the returned `release` when the controller
 * stops; the informers stop when the last user released them.
 */
export function acquireReleaseInformers(client: KubeClient): { informers: ReleaseInformers; release: () => Promise<void> } {
  let s = shared.get(client);
  if (!s) {
    s = { informers: create(client), users: 0 };
    shared.set(client, s);
  }
  s.users++;
  const entry = s;
  let released = false;
  return {
    informers: entry.informers,
    release: async () => {
      if (released) return;
      released = true;
      entry.users--;
      if (entry.users > 0) return;
      shared.delete(client);
      await Promise.all(Object.values(entry.informers).map((i: Informer<KubeObject>) => i.stop()));
    },
  };
}

/**
 * Plinth's CRD types carry metadata timestamps as strings (as on the wire), client-node's KubernetesObject as
 * Dates; the informers hold plain JSON either way. These are the only places the two views meet.
 */
export function asKube(obj: { metadata: object }): KubeObject {
  return obj;
}

export function getCellDeployment(inf: ReleaseInformers, key: string): CellDeployment | undefined {
  return inf.cellDeployments.get(key) as unknown as CellDeployment | undefined;
}

export function getReleaseOrder(inf: ReleaseInformers, key: string): ReleaseOrder | undefined {
  return inf.releaseOrders.get(key) as unknown as ReleaseOrder | undefined;
}

/** The ReleaseOrders controlled by the CellDeployment `cdKey` (with UID `uid` when given). */
export function ordersOf(inf: ReleaseInformers, cdKey: string, uid?: string): ReleaseOrder[] {
  const list = inf.releaseOrders.byIndex(BY_CELL_DEPLOYMENT, cdKey) as unknown as ReleaseOrder[];
  return uid === undefined ? list : list.filter((o) => o.metadata.ownerReferences?.some((r) => r.controller && r.uid === uid));
}

/** The pods controlled by the CellDeployment `cdKey` (with UID `uid` when given). */
export function podsOf(inf: ReleaseInformers, cdKey: string, uid?: string): PodObject[] {
  const list = inf.pods.byIndex(BY_CELL_DEPLOYMENT, cdKey);
  return uid === undefined ? list : list.filter((p) => p.metadata?.ownerReferences?.some((r) => r.controller && r.uid === uid));
}
