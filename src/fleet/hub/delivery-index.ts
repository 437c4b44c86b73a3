// Which ClusterDeliveries name an artifact: an informer over every ClusterDelivery on the hub, indexed
// by spec.artifact.digest, keeping only what the fleet server needs (names and the digest).
import { ClusterDeliveryKind } from '../../api/fleet/clusterdelivery.js';
import type { KubeClient } from '../../kube/http.js';
import { Informer } from '../../kube/informer.js';
import { ref, type KubeObject } from '../../kube/resource.js';
import { memberNamespace, memberOfUser } from '../names.js';

export const CLUSTER_DELIVERIES = ref(`${ClusterDeliveryKind.group}/${ClusterDeliveryKind.version}`, ClusterDeliveryKind.plural);

/** The slice of a ClusterDelivery the server keeps. */
export interface DeliveryRef extends KubeObject {
  metadata: { name: string; namespace: string; resourceVersion?: string; uid?: string; generation?: number };
  spec: { artifact?: { digest?: string } };
}

const BY_DIGEST = 'byDigest';

/** Keeps names and the artifact digest only (a fleet of thousands of deliveries stays small in memory). */
export function slimDelivery(obj: KubeObject): DeliveryRef {
  const o = obj as KubeObject & { spec?: { artifact?: { digest?: string } } };
  const digest = o.spec?.artifact?.digest;
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: {
      name: o.metadata?.name ?? '',
      namespace: o.metadata?.namespace ?? '',
      resourceVersion: o.metadata?.resourceVersion,
      // uid and generation key the artifact grants (artifact-grants.ts): a new delivery is authorized again.
      ...(o.metadata?.uid ? { uid: o.metadata.uid } : {}),
      ...(o.metadata?.generation !== undefined ? { generation: o.metadata.generation } : {}),
    },
    spec: digest ? { artifact: { digest } } : {},
  };
}

/** The ClusterDeliveries naming `digest`, those in the caller's own member namespace first (usually the only one asked about). */
export function orderForCaller(deliveries: readonly DeliveryRef[], user: string): DeliveryRef[] {
  const member = memberOfUser(user);
  const own = member === undefined ? '' : memberNamespace(member);
  return [...deliveries].sort((a, b) => Number(b.metadata.namespace === own) - Number(a.metadata.namespace === own) || a.metadata.namespace.localeCompare(b.metadata.namespace) || a.metadata.name.localeCompare(b.metadata.name));
}

export interface DeliveryIndex {
  informer: Informer<DeliveryRef>;
  /** The ClusterDeliveries whose spec.artifact.digest is `digest`. */
  naming(digest: string): DeliveryRef[];
}

/** Starts the informer (the caller stops it). */
export function startDeliveryIndex(client: KubeClient): DeliveryIndex {
  const informer = new Informer<DeliveryRef>({
    client,
    resource: CLUSTER_DELIVERIES,
    name: 'fleet-server clusterdeliveries',
    transform: slimDelivery,
    indexers: { [BY_DIGEST]: (d) => d.spec.artifact?.digest },
  }).start();
  return { informer, naming: (digest) => informer.byIndex(BY_DIGEST, digest) };
}
