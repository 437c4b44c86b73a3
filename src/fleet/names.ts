// The names every part of the fleet agrees on: the hub, its controllers, the agents, the CLI and the tests.
import { createHash } from 'node:crypto';

/** The hub namespace of a member: its ClusterDeliveries and its agent's Lease live there. */
export const memberNamespace = (cluster: string): string => `plinth-member-${cluster}`;

/** The member a hub namespace belongs to, or undefined when it is not a member namespace. */
export function memberOfNamespace(ns: string): string | undefined {
  return ns.startsWith('plinth-member-') ? ns.slice('plinth-member-'.length) || undefined : undefined;
}

/** The hub namespace of fleet-wide things: the join ServiceAccount, the hub-info ConfigMap. */
export const FLEET_NAMESPACE = 'plinth-fleet';

/** The agent's hub identity (the CN of its client certificate) and the group of every agent. */
export const agentUser = (cluster: string): string => `plinth:member:${cluster}`;
export const AGENT_GROUP = 'plinth:members';
/** The member a hub user name is the agent of, or undefined. */
export function memberOfUser(user: string): string | undefined {
  return user.startsWith('plinth:member:') ? user.slice('plinth:member:'.length) || undefined : undefined;
}

/** The agent's heartbeat Lease, in its member namespace on the hub. */
export const AGENT_LEASE = 'plinth-agent';

/** The ConfigMap in FLEET_NAMESPACE that tells agents where the hub serves artifacts: keys `artifactURL`, `ca.crt`. */
export const HUB_INFO_CONFIGMAP = 'plinth-hub';

/** The ClusterDelivery of a FleetDelivery on one member (in memberNamespace(cluster)). */
export function clusterDeliveryName(deliveryNamespace: string, deliveryName: string): string {
  const base = `${deliveryNamespace}.${deliveryName}`;
  if (base.length <= 253) return base;
  const h = createHash('sha256').update(base).digest('hex').slice(0, 10);
  return `${base.slice(0, 242)}-${h}`;
}

/** Labels on every ClusterDelivery: which delivery and which member it belongs to. */
export const LABEL_DELIVERY_NAMESPACE = 'fleet.plinth.dev/delivery-namespace';
export const LABEL_DELIVERY_NAME = 'fleet.plinth.dev/delivery-name';
export const LABEL_CLUSTER = 'fleet.plinth.dev/cluster';

/** The member-side namespace where the agent keeps its state (desired states, inventories, hub credential). */
export const AGENT_NAMESPACE = 'plinth-system';

/** The field manager of every server-side apply the agent makes on its member. */
export const AGENT_FIELD_MANAGER = 'plinth-agent';

/** Member cluster labels the fleet reads. */
export const LABEL_TIER = 'tier';
export const LABEL_REGION = 'region';
export const LABEL_ARCH = 'arch';

/** The one artifact media type and its digest form: `sha256:` + hex of the exact bytes served. */
export const ARTIFACT_MEDIA_TYPE = 'application/vnd.plinth.artifact.v1+json';
export const artifactDigest = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
/** The path, on the hub's fleet HTTP server, of an artifact. */
export const artifactPath = (digest: string): string => `/artifacts/${digest}`;

/**
 * The annotation a verified webhook push sets on its GitSource (the RFC 3339 time of the push), the way Flux's
 * `reconcile.fluxcd.io/requestedAt` asks for a reconcile: the GitSource controller fetches at once when it changes.
 */
export const PUSH_REQUESTED_ANNOTATION = 'fleet.plinth.dev/push-requested-at';
