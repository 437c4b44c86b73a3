// The RBAC objects of membership, as values: the join ServiceAccount's, and each accepted member's agent's.
// Every member object is owned by its MemberCluster, so `plinth fleet leave` (deleting it) removes them all (GC).
import { AGENT_GROUP, AGENT_LEASE, FLEET_NAMESPACE, HUB_INFO_CONFIGMAP, agentUser, memberNamespace } from '../names.js';
import { FLEET_GROUP, FLEET_VERSION } from '../../api/index.js';
import type { KubeObject } from '../../kube/resource.js';
import { JOIN_CLUSTER_ROLE, JOIN_SERVICE_ACCOUNT } from './keys.js';

const RBAC = 'rbac.authorization.k8s.io/v1';
const MANAGED = { 'app.kubernetes.io/managed-by': 'plinth' };

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** What the join token may do: ask for a certificate and read the answer. Nothing else. */
export const JOIN_RULES: PolicyRule[] = [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get', 'list', 'watch'] }];

/** The join ServiceAccount, its ClusterRole and binding (the namespace FLEET_NAMESPACE comes first). */
export function joinAccessObjects(): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: FLEET_NAMESPACE, labels: MANAGED } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: JOIN_SERVICE_ACCOUNT, namespace: FLEET_NAMESPACE, labels: MANAGED } },
    { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: JOIN_CLUSTER_ROLE, labels: MANAGED }, rules: JOIN_RULES } as KubeObject,
    {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name: JOIN_CLUSTER_ROLE, labels: MANAGED },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: JOIN_CLUSTER_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: JOIN_SERVICE_ACCOUNT, namespace: FLEET_NAMESPACE }],
    } as KubeObject,
  ];
}

/**
 * The agent's rules in its member namespace on the hub: one shared ClusterRole (`AGENT_CLUSTER_ROLE`), bound by a
 * RoleBinding in each member namespace. The manager may only `bind` it (deploy/hub), so it needs no lease or
 * ClusterDelivery-status rights of its own in member namespaces, and no `escalate`.
 */
export const AGENT_NAMESPACE_RULES: PolicyRule[] = [
  { apiGroups: [FLEET_GROUP], resources: ['clusterdeliveries'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [FLEET_GROUP], resources: ['clusterdeliveries/status'], verbs: ['update', 'patch'] },
  // `create` cannot be limited by name (the name is not known to RBAC before the object exists).
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: [AGENT_LEASE] },
];

/**
 * The agent's cluster-wide rules: its own MemberCluster, and CertificateSigningRequests to renew its certificate
 * (create, then read the issued certificate: RBAC cannot limit either to names not yet made; a CSR holds only public
 * data, and the hub approves only a member's own CSR for its own subject — decideRenewal — as kubelets renew).
 */
export const agentClusterRules = (cluster: string): PolicyRule[] => [
  { apiGroups: [FLEET_GROUP], resources: ['memberclusters'], verbs: ['get'], resourceNames: [cluster] },
  { apiGroups: [FLEET_GROUP], resources: ['memberclusters/status'], verbs: ['update', 'patch'], resourceNames: [cluster] },
  { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get'] },
];

/** The agent's rules in FLEET_NAMESPACE: read where artifacts are served. */
export const HUB_INFO_RULES: PolicyRule[] = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: [HUB_INFO_CONFIGMAP] }];

/** The shared ClusterRole of every agent's namespace rights (deploy/hub/clusterrole.yaml holds the same rules). */
export const AGENT_CLUSTER_ROLE = 'plinth:fleet-agent';

/** That ClusterRole as an object (the controller creates it when missing, e.g. on a local hub). */
export function agentClusterRoleObject(): KubeObject {
  return { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: AGENT_CLUSTER_ROLE, labels: { 'app.kubernetes.io/part-of': 'plinth' } }, rules: AGENT_NAMESPACE_RULES } as KubeObject;
}

/** The name of a member's ClusterRole, ClusterRoleBinding and hub-info Role/RoleBinding. */
export const memberRbacName = (cluster: string): string => `plinth:member:${cluster}`;
/** The RoleBinding in the member namespace (to AGENT_CLUSTER_ROLE). */
export const AGENT_ROLE_BINDING = 'plinth-agent';

export interface Owner {
  name: string;
  uid: string;
}

/**
 * Everything an accepted member gets on the hub, in creation order: its namespace, then the hub-info Role and its
 * ClusterRole, then the bindings (the namespace one to the shared AGENT_CLUSTER_ROLE) to the agent user `agentUser(cluster)`. All owned by the MemberCluster.
 */
export function memberAccessObjects(cluster: string, owner: Owner): KubeObject[] {
  const ownerReferences = [{ apiVersion: `${FLEET_GROUP}/${FLEET_VERSION}`, kind: 'MemberCluster', name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: false }];
  const labels = { ...MANAGED, 'fleet.plinth.dev/cluster': cluster };
  const meta = (name: string, namespace?: string): Record<string, unknown> => ({ name, ...(namespace ? { namespace } : {}), labels, ownerReferences });
  const ns = memberNamespace(cluster);
  const user = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: agentUser(cluster) }];
  const roleRef = (kind: 'Role' | 'ClusterRole', name: string): Record<string, string> => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });
  const name = memberRbacName(cluster);
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta(ns) },
    { apiVersion: RBAC, kind: 'Role', metadata: meta(name, FLEET_NAMESPACE), rules: HUB_INFO_RULES } as KubeObject,
    { apiVersion: RBAC, kind: 'ClusterRole', metadata: meta(name), rules: agentClusterRules(cluster) } as KubeObject,
    { apiVersion: RBAC, kind: 'RoleBinding', metadata: meta(AGENT_ROLE_BINDING, ns), roleRef: roleRef('ClusterRole', AGENT_CLUSTER_ROLE), subjects: user } as KubeObject,
    { apiVersion: RBAC, kind: 'RoleBinding', metadata: meta(name, FLEET_NAMESPACE), roleRef: roleRef('Role', name), subjects: user } as KubeObject,
    { apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: meta(name), roleRef: roleRef('ClusterRole', name), subjects: user } as KubeObject,
  ];
}

/** The group every agent certificate carries (its O). */
export const AGENT_ORGANIZATIONS = [AGENT_GROUP];
