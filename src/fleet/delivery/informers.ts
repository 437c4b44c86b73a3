import type { ClusterDelivery, FleetDelivery, GitSource, MemberCluster } from '../../api/index.js';
import type { KubeClient } from '../../kube/http.js';
import { Informer } from '../../kube/informer.js';
import { inNamespace, type KubeObject } from '../../kube/resource.js';
import { FLEET_NAMESPACE, HUB_INFO_CONFIGMAP, LABEL_CLUSTER, LABEL_DELIVERY_NAME, LABEL_DELIVERY_NAMESPACE } from '../names.js';
import { RES } from './keys.js';
import type { ClusterDeliveryView, MemberView } from './types.js';

/** Index of ClusterDeliveries by the `namespace/name` of their FleetDelivery (from their labels). */
export const BY_DELIVERY = 'byDelivery';
/** Index of FleetDeliveries by the `namespace/name` of their GitSource. */
export const BY_SOURCE = 'bySource';

/** The FleetDelivery key of a ClusterDelivery (its labels), or undefined. */
export function deliveryKeyOf(obj: KubeObject): string | undefined {
  const l = obj.metadata?.labels ?? {};
  const ns = l[LABEL_DELIVERY_NAMESPACE];
  const name = l[LABEL_DELIVERY_NAME];
  return ns && name ? `${ns}/${name}` : undefined;
}

export interface DeliveryInformers {
  deliveries: Informer<KubeObject>;
  clusterDeliveries: Informer<KubeObject>;
  sources: Informer<KubeObject>;
  members: Informer<KubeObject>;
  hubInfo: Informer<KubeObject>;
}

export function createDeliveryInformers(client: KubeClient): DeliveryInformers {
  return {
    deliveries: new Informer({
      client,
      resource: RES.fleetDeliveries,
      name: 'fleetdeliveries',
      indexers: { [BY_SOURCE]: (o) => `${o.metadata?.namespace ?? ''}/${(o as unknown as FleetDelivery).spec?.sourceRef?.name ?? ''}` },
    }),
    clusterDeliveries: new Informer({ client, resource: RES.clusterDeliveries, name: 'clusterdeliveries', labelSelector: LABEL_DELIVERY_NAME, indexers: { [BY_DELIVERY]: deliveryKeyOf } }),
    sources: new Informer({ client, resource: RES.gitSources, name: 'gitsources' }),
    members: new Informer({ client, resource: RES.memberClusters, name: 'memberclusters' }),
    // One object that rarely changes: a quiet watch is normal there, not a stall.
    hubInfo: new Informer({ client, resource: inNamespace(RES.configMaps, FLEET_NAMESPACE), name: 'fleet-hub-info', fieldSelector: `metadata.name=${HUB_INFO_CONFIGMAP}`, stallTimeoutMs: 0 }),
  };
}

export async function stopDeliveryInformers(inf: DeliveryInformers): Promise<void> {
  await Promise.all(Object.values(inf).map((i: Informer<KubeObject>) => i.stop()));
}

export function getDelivery(inf: DeliveryInformers, key: string): FleetDelivery | undefined {
  return inf.deliveries.get(key) as unknown as FleetDelivery | undefined;
}

export function getSource(inf: DeliveryInformers, namespace: string, name: string): GitSource | undefined {
  return inf.sources.get(`${namespace}/${name}`) as unknown as GitSource | undefined;
}

/** The delivery's ClusterDeliveries as the planners read them. */
export function clusterDeliveriesOf(inf: DeliveryInformers, key: string): Array<ClusterDeliveryView & { object: ClusterDelivery }> {
  const list = inf.clusterDeliveries.byIndex(BY_DELIVERY, key) as unknown as ClusterDelivery[];
  return list
    .filter((cd) => cd.metadata.labels?.[LABEL_CLUSTER])
    .map((cd) => ({
      cluster: cd.metadata.labels?.[LABEL_CLUSTER] ?? '',
      ...(cd.metadata.generation !== undefined ? { generation: cd.metadata.generation } : {}),
      spec: cd.spec,
      ...(cd.status ? { status: cd.status } : {}),
      object: cd,
    }));
}

/** Every MemberCluster as the planners read it. */
export function memberViews(inf: DeliveryInformers): MemberView[] {
  return (inf.members.list() as unknown as MemberCluster[]).map((m) => {
    const c = m.status?.conditions?.find((x) => x.type === 'Connected');
    return {
      name: m.metadata.name ?? '',
      labels: m.metadata.labels ?? {},
      accepted: m.spec?.accepted === true,
      ...(c ? { connected: { status: c.status, ...(c.lastTransitionTime ? { since: c.lastTransitionTime } : {}) } } : {}),
    };
  });
}

/** `artifactURL` of the hub-info ConfigMap, if published. */
export function artifactBaseUrl(inf: DeliveryInformers): string | undefined {
  const cm = inf.hubInfo.get(`${FLEET_NAMESPACE}/${HUB_INFO_CONFIGMAP}`) as { data?: Record<string, string> } | undefined;
  const url = cm?.data?.['artifactURL'];
  return url ? url : undefined;
}
